// Loads web/natter.js as an ES module on any Node 20: a .js file outside a "type": "module" package
// is read as an ES module only since Node 20.19 (module syntax detection), so the tests import a copy
// named .mjs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const source = new URL("../../main/resources/web/natter.js", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "natter-js-"));
const copy = join(dir, "natter.mjs");
writeFileSync(copy, readFileSync(source));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

export const { NatterClient, NatterError, randomId } = await import(pathToFileURL(copy).href);
