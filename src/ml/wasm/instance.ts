/**
 * What every WebAssembly kernel here does the same way: compile its .wasm (assembled by the build
 * beside the .wat, scripts/build-wasm.mjs) once per thread, make instances of it, and grow an
 * instance's memory to hold what a call needs.
 */
import { readFileSync } from 'node:fs'

const PAGE = 65536
const compiled = new Map<string, WebAssembly.Module>()

/** A new instance of the kernel `name` (`name`.wasm in this folder); its exports typed as `K`. */
export function instantiateKernel<K>(name: string, imports?: WebAssembly.Imports): K {
  let module = compiled.get(name)
  if (!module) {
    module = new WebAssembly.Module(readFileSync(new URL(`./${name}.wasm`, import.meta.url)))
    compiled.set(name, module)
  }
  return new WebAssembly.Instance(module, imports).exports as unknown as K
}

/** Grows `memory` to at least `bytes` (it never shrinks); its buffer afterwards, the one to view. */
export function memoryOf(memory: WebAssembly.Memory, bytes: number): ArrayBuffer {
  const have = memory.buffer.byteLength
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE))
  return memory.buffer
}
