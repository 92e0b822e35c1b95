import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { ClientBase } from 'pg';

/** PostgreSQL's default SCRAM iteration count (scram_iterations, PostgreSQL 16; fixed in 14). */
const SCRAM_ITERATIONS = 4096;
/** A generated password: long, and printable ASCII (SCRAM's SASLprep leaves it unchanged). */
const PASSWORD_RULE = /^[\x21-\x7e]{32,}$/;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, the format of
 * pg_authid.rolpassword). Sending the verifier instead of the password means the plain password
 * never reaches the server, its statement log or pg_stat_statements.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Sets the app role's password (run after the migrations, on every run: the secret may have been
 * rotated). The role must exist (migration 002 creates it); a password that breaks the rule is an
 * error naming the rule, never echoing the value.
 */
export async function setRolePassword(client: ClientBase, role: string, password: string): Promise<void> {
  if (!PASSWORD_RULE.test(password))
    throw new Error(
      `the password of ${role} must be at least 32 printable ASCII characters without spaces (generate it: openssl rand -hex 32)`,
    );
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (exists.rowCount !== 1) throw new Error(`role ${role} does not exist: the migration that creates it has not been applied`);
  await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} WITH PASSWORD ${client.escapeLiteral(scramSha256Verifier(password))}`);
}
