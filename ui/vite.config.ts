import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: "safari16",
    // Keep the bundle in one predictable place for tauri.conf.json's frontendDist.
    outDir: "dist",
    emptyOutDir: true,
  },
  server: { port: 1420, strictPort: true },
});
