/** `npm run test:soak` sets MURMUR_SOAK=1: 100,000 events instead of 10,000. */
export const soak = process.env.MURMUR_SOAK === "1"
