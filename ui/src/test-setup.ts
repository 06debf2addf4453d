// Runs before every test file (vitest.config.ts): the catalogues main.ts installs at start, and
// how long testing-library's findBy/waitFor wait.

import { configure } from "@testing-library/svelte";
import { useCatalogues } from "./lib/i18n/translate";
import { catalogues } from "./messages";

useCatalogues(catalogues);

// App.svelte imports each view when it is first shown, and Vitest transforms that module then.
// scripts/test runs these tests niced beside the Rust build, where one such import can take
// longer than testing-library's default second; a wait that never ends still fails, at 10 s.
configure({ asyncUtilTimeout: 10_000 });
