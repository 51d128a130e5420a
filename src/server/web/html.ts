// HTML built with a tagged template that escapes every interpolated value unless it is already
// SafeHtml. Written by hand (about 40 lines) rather than taken from a library: @kitajs/html escapes
// only children marked `safe`, and the tagged-template libraries that escape by default are little
// used; here escaping is the default and the type system tracks what is already markup.

import { escapeHtml } from '../../io/html.js'

/** Markup that has already been escaped (or is trusted literal template text). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

/** What may stand in a `${}` of an html template: arrays are joined, null/undefined/false vanish. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[]

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** html`<p>${text}</p>`: the literal parts are trusted, every value is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '')
  return new SafeHtml(out)
}

/**
 * Text a user typed (a team's or a person's name, a method), escaped and isolated in a <bdi>, so
 * that right-to-left text or a U+202E override in it cannot reorder the page around it.
 */
export function userText(text: string): SafeHtml {
  return html`<bdi>${text}</bdi>`
}

/** A JSON value for a <script type="application/json"> block: `<` is escaped so `</script>` cannot close it. */
export function jsonForScript(value: unknown): SafeHtml {
  return new SafeHtml(JSON.stringify(value).replace(/</g, '\\u003c'))
}
