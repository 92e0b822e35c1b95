import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { type LabelScope, projectLabels } from '../facts/labels';

export interface BaseChartProps extends LabelScope {
  /**
   * The deployable unit the chart belongs to, i.e. its folder under dist/:
   * "platform", "argocd", "<env>/global", "<env>/use1" or "<env>/usw2".
   */
  readonly unit: string;
  /** File name (without .yaml) inside the unit's folder; one file per chart. */
  readonly file: string;
}

/**
 * Every chart of the project derives from this one: it owns the label set (applied to every object
 * in the chart) and turns off cdk8s' hashed resource names, so each object's name is the stable,
 * human-readable name the construct gives it and a git diff shows only what changed.
 */
export class BaseChart extends Chart {
  /** dist-relative path of the chart's YAML file: `<unit>/<file>.yaml`. */
  readonly outputPath: string;

  constructor(scope: Construct, id: string, props: BaseChartProps) {
    super(scope, id, { labels: projectLabels(props), disableResourceNameHashes: true });
    if (!/^[a-z0-9]+(\/[a-z0-9]+)?$/.test(props.unit)) {
      throw new Error(`BaseChart ${id}: unit "${props.unit}" must be "<name>" or "<env>/<name>" in lowercase alphanumerics`);
    }
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(props.file))
      throw new Error(`BaseChart ${id}: file "${props.file}" must be lowercase words joined by hyphens`);
    this.outputPath = `${props.unit}/${props.file}.yaml`;
  }
}
