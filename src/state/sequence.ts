/**
 * Moved to `src/record/` (one home for record identity). This re-export only keeps in-flight
 * work compiling; import from `../record/index.js` and delete it.
 */
export { compareSequence, padSequence, sequenceWidth } from "../record/index.js"
