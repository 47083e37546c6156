/**
 * Moved to `src/retry/`. This re-export only keeps `src/cli/` compiling until its imports switch
 * to `../../retry/index.js`; delete it then.
 */
export { fullJitterBackoff, retrySchedule } from "../retry/index.js"
