// Validates resources with FHIR.js against the base FHIR specification only.
// Usage: node fhirjs_validate.js FILE
//   FILE ending in .json: one resource (a whole-process start-up measurement);
//   otherwise NDJSON: the file is read and split into lines first, then a plain synchronous loop parses and
//   validates each line, so parsing is timed as it is for dastandard.
// Prints one JSON line: {"bundles", "resources", "invalid", "seconds" (wall, the loop), "cpu_seconds" (the loop)}.
"use strict";
const fs = require("fs");
const { Fhir } = require("fhir");

function main(path) {
  const fhir = new Fhir();
  const text = fs.readFileSync(path, "utf8");
  const lines = path.endsWith(".json") ? [text] : text.split("\n");
  let bundles = 0, resources = 0, invalid = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const obj = JSON.parse(line);
    const result = fhir.validate(obj, {});
    bundles += 1;
    resources += 1 + (obj.entry ? obj.entry.length : 0);
    if (!result.valid) invalid += 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpu_seconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(JSON.stringify({ bundles, resources, invalid, seconds, cpu_seconds }) + "\n");
}

try {
  main(process.argv[2]);
} catch (err) {
  console.error(String(err));
  process.exit(1);
}
