/**
 * WAV files as scipy.io.wavfile.read returns them: integer PCM as integers (16-bit as Int16Array),
 * float PCM as Float32Array, several channels interleaved frame by frame. Decoding is wavefile's.
 */
import { readFileSync } from 'node:fs'
import wavefile from 'wavefile'
import { UserError } from '../errors.js'

export interface WavAudio {
  sampleRate: number
  channels: number
  samples: Int16Array | Float32Array
}

export function readWav(path: string): WavAudio {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new UserError(`${path}: cannot read audio file (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  let wav: InstanceType<typeof wavefile.WaveFile>
  try {
    wav = new wavefile.WaveFile(bytes)
  } catch (err) {
    throw new UserError(`${path}: not a valid WAV file (${(err as Error).message})`)
  }
  const fmt = wav.fmt as { sampleRate: number; numChannels: number }
  const depth = wav.bitDepth
  if (depth !== '16' && depth !== '32f') {
    wav.toBitDepth('16')
  }
  const samples =
    depth === '32f'
      ? (wav.getSamples(true, Float32Array) as unknown as Float32Array)
      : (wav.getSamples(true, Int16Array) as unknown as Int16Array)
  return { sampleRate: fmt.sampleRate, channels: fmt.numChannels, samples }
}
