/**
 * The one way the project's npm scripts read their command line: `--help`
 * prints the usage and exits 0; a wrong option stops the script with one
 * message naming it and how to get the usage, exit 1, never a stack trace.
 * Nothing else runs before the options are read.
 */
import { parseArgs } from "node:util";
import { exitWith } from "../server/read-config";

/** A whole number, at least `min` (default 1). */
interface WholeNumberOption {
  kind: "whole number";
  default: number;
  /** Another default while a switch is given: the switch's name → the value. */
  defaultWith?: Record<string, number>;
  min?: number;
  help: string;
}

/** A switch without a value. */
interface SwitchOption {
  kind: "switch";
  help: string;
}

type OptionSpec = WholeNumberOption | SwitchOption;

export interface CommandSpec {
  /** How it is run, e.g. `npm run soak`. */
  name: string;
  /** What it does: the usage's first paragraph. */
  summary: string;
  options?: Record<string, OptionSpec>;
  /** Environment variables it reads, each with what it is for. */
  environment?: Record<string, string>;
  examples?: readonly string[];
}

export type OptionValues<Options extends Record<string, OptionSpec>> = {
  -readonly [Name in keyof Options]: Options[Name] extends SwitchOption ? boolean : number;
};

const HELP = { kind: "switch", help: "show this help and exit" } as const;

/** Two columns; a right-hand text's further lines start under its first. */
function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right.replaceAll("\n", `\n  ${" ".repeat(width)}`)}`);
}

/** "default 60", and "; 120 with --fleet" for each switch's own default. */
function defaultsOf(option: WholeNumberOption): string {
  const withSwitches = Object.entries(option.defaultWith ?? {}).map(([name, value]) => `; ${value} with --${name}`);
  return `default ${option.default}${withSwitches.join("")}`;
}

/** The text `--help` prints. */
export function usageOf(command: CommandSpec): string {
  const options = Object.entries<OptionSpec>({ ...command.options, help: HELP }).map(
    ([name, option]): [string, string] =>
      option.kind === "switch"
        ? [`--${name}`, option.help]
        : [`--${name} <n>`, `${option.help} (${defaultsOf(option)})`],
  );
  const hasOptions = Object.keys(command.options ?? {}).length > 0;
  const lines = [`Usage: ${command.name}${hasOptions ? " -- [options]" : ""}`, "", command.summary, "", "Options:"];
  lines.push(...table(options));
  if (command.environment) lines.push("", "Environment:", ...table(Object.entries(command.environment)));
  if (command.examples) lines.push("", "Examples:", ...command.examples.map((example) => `  ${example}`));
  return lines.join("\n");
}

/** For `--port` when the script reads PORT: where that setting goes instead. */
function environmentHint(command: CommandSpec, optionName: string): string {
  const variable = optionName.toUpperCase().replaceAll("-", "_");
  const named = Object.keys(command.environment ?? {}).some((names) => names.split(/,\s*/).includes(variable));
  return named ? ` (set the environment variable ${variable} instead)` : "";
}

/** Stops the script with `message` and where to find the usage: exit 1, no stack trace. */
export function failOption(command: Pick<CommandSpec, "name">, message: string): never {
  // npm passes options to the script after `--`; a command run directly takes them as they are.
  const help = command.name.startsWith("npm ") ? "-- --help" : "--help";
  return exitWith(`${command.name}: ${message}\nRun \`${command.name} ${help}\` for the options.`);
}

/** Reads the command line by `command`'s options; prints the usage and exits on --help, fails on a wrong option. */
export function readOptions<Options extends Record<string, OptionSpec> = Record<never, OptionSpec>>(
  command: CommandSpec & { options?: Options },
  args: string[] = process.argv.slice(2),
): OptionValues<Options> {
  const specs: Record<string, OptionSpec> = { ...command.options, help: HELP };
  const { tokens } = parseArgs({
    args,
    strict: false,
    tokens: true,
    options: Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [name, { type: spec.kind === "switch" ? "boolean" : "string" }]),
    ) as Record<string, { type: "boolean" | "string" }>,
  });
  const given = new Map<string, string | undefined>();
  for (const token of tokens) {
    if (token.kind === "positional") failOption(command, `unexpected argument "${token.value}".`);
    if (token.kind !== "option") continue;
    const spec = token.name === "h" ? HELP : specs[token.name];
    if (!spec) failOption(command, `unknown option ${token.rawName}${environmentHint(command, token.name)}.`);
    if (spec.kind === "switch" && token.inlineValue) failOption(command, `${token.rawName} takes no value.`);
    if (spec.kind !== "switch" && token.value === undefined) failOption(command, `${token.rawName} needs a value.`);
    given.set(token.name === "h" ? "help" : token.name, token.value);
  }
  if (given.has("help")) {
    console.log(usageOf(command));
    process.exit(0);
  }
  const values: Record<string, number | boolean> = {};
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    if (spec.kind === "switch") {
      values[name] = given.has(name);
      continue;
    }
    const text = given.get(name);
    const switchDefault = Object.entries(spec.defaultWith ?? {}).find(([name]) => given.has(name))?.[1];
    const value = text === undefined ? (switchDefault ?? spec.default) : Number(text);
    const min = spec.min ?? 1;
    if (text?.trim() === "" || !Number.isInteger(value) || value < min)
      failOption(command, `--${name} must be a whole number of at least ${min}, not "${text}".`);
    values[name] = value;
  }
  return values as OptionValues<Options>;
}
