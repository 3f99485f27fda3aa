// Validates every Bundle of an NDJSON file with FHIR.js against the base FHIR specification only.
// Prints one JSON line: {"bundles": N, "resources": N, "seconds": S, "invalid": N}.
"use strict";
const fs = require("fs");
const readline = require("readline");
const { Fhir } = require("fhir");

async function main(path) {
  const fhir = new Fhir();
  const lines = readline.createInterface({ input: fs.createReadStream(path), crlfDelay: Infinity });
  let bundles = 0, resources = 0, invalid = 0;
  const start = process.hrtime.bigint();
  for await (const line of lines) {
    if (!line) continue;
    const obj = JSON.parse(line);
    const result = fhir.validate(obj, {});
    bundles += 1;
    resources += 1 + (obj.entry ? obj.entry.length : 0);
    if (!result.valid) invalid += 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ bundles, resources, seconds, invalid }) + "\n");
}

main(process.argv[2]).catch((err) => { console.error(String(err)); process.exit(1); });
