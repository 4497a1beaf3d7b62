#!/usr/bin/env node
// Check .cypher files with Neo4j's own Cypher parser and semantic analysis
// (@neo4j-cypher/language-support, lintCypherQuery).
//
//   node lint.mjs [--cypher=5|25] FILE.cypher [FILE.cypher ...]
//
// Prints one JSON object: {"files": [{"file", "errors": [...], "warnings": [...]}], "errors": N,
// "versions": [...]} and exits 1 when any file has an error, 0 otherwise.
//
// Language version: gongjian's reports need Neo4j 5.23 or later (CALL (n) {...} scoped
// subqueries came in 5.23, ANY SHORTEST in 5.21, quantified path patterns in 5.9). The parser
// can select the Cypher language version but not a release: every file is checked as
// Cypher 5 (the language of Neo4j 5.x and the default of 2025.x before 2026.02) and as
// Cypher 25 (Neo4j 2025.06 and later), unless --cypher names one. Each message says which.
//
// What counts as an error: every syntax or semantic error of the parser (a severity-1
// diagnostic). Parameters are declared from the file's own header (`// @param NAME ...`),
// plus `$rows` for write batches, so a query that uses an undeclared parameter fails.
// No database schema is given, so unknown labels, properties and procedures cannot be
// checked: calls to GDS procedures (gds.wcc.stream, ...) pass as long as they parse, and
// warnings (e.g. deprecations) are printed but do not fail.
import { readFileSync } from 'node:fs';
import { allCypherVersions, lintCypherQuery } from '@neo4j-cypher/language-support';

const ERROR = 1;

function declaredParameters(text) {
  const params = { rows: [] };
  for (const m of text.matchAll(/^\s*\/\/\s*@param\s+([A-Za-z_][A-Za-z0-9_]*)/gm)) {
    params[m[1]] = '';
  }
  return params;
}

function lintFile(file, versions) {
  const text = readFileSync(file, 'utf8');
  const errors = [];
  const warnings = [];
  for (const version of versions) {
    const { diagnostics } = lintCypherQuery(
      text, { parameters: declaredParameters(text), defaultLanguage: version },
      { consoleCommandsEnabled: false });
    for (const d of diagnostics) {
      const shown = {
        version,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        message: d.message,
      };
      (d.severity === ERROR ? errors : warnings).push(shown);
    }
  }
  return { file, errors, warnings };
}

const args = process.argv.slice(2);
const chosen = args.filter((a) => a.startsWith('--cypher=')).map((a) => `CYPHER ${a.slice(9)}`);
const files = args.filter((a) => !a.startsWith('--'));
const versions = chosen.length ? chosen : ['CYPHER 5', 'CYPHER 25'];
if (files.length === 0 || versions.some((v) => !allCypherVersions.includes(v))) {
  console.error(`usage: node lint.mjs [--cypher=5|25] FILE.cypher [FILE.cypher ...]`);
  process.exit(2);
}
const results = files.map((f) => lintFile(f, versions));
const errors = results.reduce((n, r) => n + r.errors.length, 0);
console.log(JSON.stringify({ files: results, errors, versions }, null, 1));
process.exit(errors > 0 ? 1 : 0);
