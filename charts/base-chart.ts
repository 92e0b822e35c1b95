import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LabelScope, projectLabels } from './labels';

export interface BaseChartProps extends LabelScope {
  /**
   * The deployable unit the chart belongs to, i.e. its folder under dist/:
   * "platform", "argocd", "<env>/global", "<env>/use1" or "<env>/usw2".
   */
  readonly unit: string;
}

/**
 * Every chart of the project derives from this one: it owns the label set (applied to every object
 * in the chart) and turns off cdk8s' hashed resource names, so each object's name is the stable,
 * human-readable name the construct gives it and a git diff shows only what changed.
 */
export class BaseChart extends Chart {
  /** Folder under dist/ this chart is written to. */
  readonly unit: string;

  constructor(scope: Construct, id: string, props: BaseChartProps) {
    super(scope, id, { labels: projectLabels(props), disableResourceNameHashes: true });
    if (!/^[a-z0-9]+(\/[a-z0-9]+)?$/.test(props.unit)) {
      throw new Error(`BaseChart ${id}: unit "${props.unit}" must be "<name>" or "<env>/<name>" in lowercase alphanumerics`);
    }
    this.unit = props.unit;
  }
}
