/**
 * Option parsing shared by the commands: Node's `util.parseArgs`, `--help` printing the usage,
 * and every bad option turned into a message and exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Print a usage error; the exit code is 2. */
export function usageError(message: string, command: string): number {
  console.error(`${message}\n\nRun "npm run lab -- ${command} --help" for usage.`);
  return 2;
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
 * Parsed options, or the exit code to return at once (0 after `--help`, 2 on a bad option).
 * `help` (-h) is added to the options.
 */
export function parseCommand<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  command: string,
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
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } as const },
    });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(usage);
      return 0;
    }
    return parsed;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error), command);
  }
}

/** A comma-separated list of allowed values, or a message naming the flag and the bad value. */
export function parseList<T extends string>(
  flag: string,
  value: string,
  allowed: readonly T[],
): T[] | string {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.find((s) => !(allowed as readonly string[]).includes(s));
  return bad === undefined ? (items as T[]) : `${flag}: unknown value "${bad}"; use ${allowed.join(', ')}`;
}

/** A list flag, or `fallback` when the flag is absent; "none" is the empty list where `allowNone`. */
export function parseListOr<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: readonly T[],
  allowNone = false,
): T[] | string {
  if (value === undefined) return [...fallback];
  if (allowNone && value === 'none') return [];
  return parseList(flag, value, allowed);
}
