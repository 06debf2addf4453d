// Runs before every test file (vitest.config.ts): the catalogues main.ts installs at start.

import { useCatalogues } from "./lib/i18n/translate";
import { catalogues } from "./messages";

useCatalogues(catalogues);
