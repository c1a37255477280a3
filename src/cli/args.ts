/**
 * Option parsing shared by the commands: Node's `util.parseArgs`, `--help` printing the usage,
 * and every bad option or flag value thrown as a `UsageError`, which `dispatch` prints with the
 * command's usage hint (exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A bad option, flag value or argument: its message names the flag and the problem. Thrown by the
 * flag parsers and the commands, caught in one place, `dispatch`, which prints it with a pointer to
 * the command's `--help` and returns exit code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Print a refusal of bad input (a file's or a link's content): no usage text and no stack trace,
 * so the last line is the problem; the exit code is 2.
 */
export function inputError(message: string): number {
  console.error(message);
  return 2;
}

/**
 * Parsed options, or the exit code 0 to return at once after `--help` printed the usage; a bad
 * option throws a `UsageError`. `help` (-h) is added to the options.
 */
export function parseCommand<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
):
  | ReturnType<
      typeof parseArgs<{
        args: string[];
        options: O & { help: { type: 'boolean'; short: 'h' } };
        allowPositionals: true;
        strict: true;
      }>
    >
  | number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } as const },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return 0;
  }
  return parsed;
}

/** A comma-separated list of allowed values; a `UsageError` names the flag and the bad value. */
export function parseList<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.find((s) => !(allowed as readonly string[]).includes(s));
  if (bad !== undefined) throw new UsageError(`${flag}: unknown value "${bad}"; use ${allowed.join(', ')}`);
  return items as T[];
}

/** Exactly one allowed value (trimmed); anything else, a list included, throws `message`. */
export function parseChoice<T extends string>(value: string, allowed: readonly T[], message: string): T {
  const item = value.trim();
  if (!(allowed as readonly string[]).includes(item)) throw new UsageError(message);
  return item as T;
}

/** A list flag, or `fallback` when the flag is absent; "none" is the empty list where `allowNone`. */
export function parseListOr<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: readonly T[],
  allowNone = false,
): T[] {
  if (value === undefined) return [...fallback];
  if (allowNone && value === 'none') return [];
  return parseList(flag, value, allowed);
}
