/**
 * Runs an Argo CD Lua health check the way Argo CD does: the resource as the global `obj`, the base
 * and table libraries only (Argo CD leaves the others closed), and the returned table read back.
 * Lua engine: fengari (Lua 5.3 in JavaScript); Argo CD uses gopher-lua (5.1), so the scripts keep
 * to the common subset.
 */
// fengari ships no type declarations; the few calls used here are typed below.
const fengari: Fengari = require('fengari');

type LuaState = object;
type LuaString = Uint8Array;
type OpenFunction = (L: LuaState) => number;

interface Fengari {
  to_luastring(text: string): LuaString;
  lua: {
    LUA_OK: number;
    LUA_TTABLE: number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, value: boolean): void;
    lua_pushnumber(L: LuaState, value: number): void;
    lua_pushstring(L: LuaState, value: LuaString): void;
    lua_createtable(L: LuaState, arrayItems: number, fields: number): void;
    lua_setfield(L: LuaState, index: number, key: LuaString): void;
    lua_seti(L: LuaState, index: number, i: number): void;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_getfield(L: LuaState, index: number, key: LuaString): number;
    lua_type(L: LuaState, index: number): number;
    lua_tojsstring(L: LuaState, index: number): string | null;
    lua_pcall(L: LuaState, args: number, results: number, handler: number): number;
  };
  lauxlib: {
    luaL_newstate(): LuaState;
    luaL_requiref(L: LuaState, name: LuaString, open: OpenFunction, global: number): void;
    luaL_loadstring(L: LuaState, source: LuaString): number;
  };
  lualib: { luaopen_base: OpenFunction; luaopen_table: OpenFunction };
}

const { lua, lauxlib, lualib, to_luastring } = fengari;

/** What a health check returns. */
export interface HealthResult {
  readonly status: string;
  readonly message: string;
}

/** Pushes a JSON value as Argo CD hands it to Lua: objects and arrays as tables (arrays 1-based), null as nil. */
function push(L: LuaState, value: unknown): void {
  if (value === null || value === undefined) lua.lua_pushnil(L);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number') lua.lua_pushnumber(L, value);
  else if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value));
  else if (Array.isArray(value)) {
    lua.lua_createtable(L, value.length, 0);
    value.forEach((item, i) => {
      push(L, item);
      lua.lua_seti(L, -2, i + 1);
    });
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    lua.lua_createtable(L, 0, entries.length);
    for (const [key, item] of entries) {
      push(L, item);
      lua.lua_setfield(L, -2, to_luastring(key));
    }
  }
}

function stringField(L: LuaState, key: string): string {
  lua.lua_getfield(L, -1, to_luastring(key));
  const text = lua.lua_tojsstring(L, -1) ?? '';
  lua.lua_pop(L, 1);
  return text;
}

/** Runs `script` on `obj`; throws with Lua's error message if the script fails or returns no table. */
export function runHealthCheck(script: string, obj: unknown): HealthResult {
  const L = lauxlib.luaL_newstate();
  lauxlib.luaL_requiref(L, to_luastring('_G'), lualib.luaopen_base, 1);
  lua.lua_pop(L, 1);
  lauxlib.luaL_requiref(L, to_luastring('table'), lualib.luaopen_table, 1);
  lua.lua_pop(L, 1);
  push(L, obj);
  lua.lua_setglobal(L, to_luastring('obj'));
  if (lauxlib.luaL_loadstring(L, to_luastring(script)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(`Lua error: ${lua.lua_tojsstring(L, -1)}`);
  }
  if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) throw new Error('the health check returned no table');
  return { status: stringField(L, 'status'), message: stringField(L, 'message') };
}
