import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { describe, expect, it } from "vitest"
import { lazyRuntime } from "../../../src/kinesis/lambda/runtime.js"

class Probe extends Context.Tag("test/Probe")<Probe, { readonly id: number }>() {}

describe("the container runtime", () => {
  it("builds the layer once, at first use, and reuses it", async () => {
    let builds = 0
    const runtime = lazyRuntime(() => Layer.effect(Probe, Effect.sync(() => ({ id: ++builds }))))
    expect(builds).toBe(0)
    const first = await runtime.get()
    const second = await runtime.get()
    expect(builds).toBe(1)
    expect(first).toBe(second)
    await runtime.dispose()
  })

  it("builds afresh after a failed build", async () => {
    let attempts = 0
    const runtime = lazyRuntime(() =>
      Layer.effect(
        Probe,
        Effect.suspend(() => (++attempts === 1 ? Effect.fail("unreachable") : Effect.succeed({ id: attempts })))
      )
    )
    await expect(runtime.get()).rejects.toBeDefined()
    const built = await runtime.get()
    expect(attempts).toBe(2)
    expect(Context.get(built.context, Probe).id).toBe(2)
    await runtime.dispose()
  })
})
