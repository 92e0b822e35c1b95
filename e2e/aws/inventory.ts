/**
 * What moto holds, per service and region (moto_runner.py's /inventory: the models its backends
 * still reference). The baseline is taken before the provider starts, after every backend was
 * created — so the default VPCs, AMIs and managed policies moto makes for itself are not leftovers.
 */
import { E2eError } from '../log';
import type { Moto } from './moto';

export interface InventoryItem {
  readonly service: string;
  readonly region: string;
  readonly type: string;
  readonly id: string;
  readonly key: string;
}

export class Inventory {
  private constructor(
    private readonly services: readonly string[],
    private readonly regions: readonly string[],
    private readonly baseline: ReadonlySet<string>,
  ) {}

  get baselineSize(): number {
    return this.baseline.size;
  }

  static async baseline(moto: Moto, services: readonly string[], regions: readonly string[]): Promise<Inventory> {
    const items = await fetchInventory(moto, services, regions);
    return new Inventory(services, regions, new Set(items.map((i) => i.key)));
  }

  /** Everything moto holds now that it did not hold at the baseline. */
  async since(moto: Moto): Promise<InventoryItem[]> {
    return (await fetchInventory(moto, this.services, this.regions)).filter((i) => !this.baseline.has(i.key));
  }
}

async function fetchInventory(moto: Moto, services: readonly string[], regions: readonly string[]): Promise<InventoryItem[]> {
  const url = `${moto.controlEndpoint}/inventory?services=${services.join(',')}&regions=${regions.join(',')}`;
  const response = await fetch(url);
  if (!response.ok) throw new E2eError(`moto's inventory answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return ((await response.json()) as { items: InventoryItem[] }).items;
}
