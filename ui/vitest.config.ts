import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  // Svelte 5 resolves to its server build under Node unless told this is a browser.
  resolve: { conditions: ["browser"] },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    // What main.ts does before mounting: install every view's messages.
    setupFiles: ["src/test-setup.ts"],
    restoreMocks: true,
  },
});
