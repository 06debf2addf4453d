export type { Backend, CommandResult } from "./backend";
export { isHinomiError, toHinomiError } from "./backend";
export { tauriBackend } from "./tauri";
export { backendContext, getBackend, setBackend } from "./context";
