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
    // Above test-setup.ts's 10 s wait for an element: scripts/test runs these niced beside the
    // Rust build, where Vitest's default 5 s per test can run out before a slow import does.
    testTimeout: 30_000,
  },
});
