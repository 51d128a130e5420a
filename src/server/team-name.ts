/**
 * When two team names are the same name: "Team A", "team a", "TEAM A", "Team\u200bA" and the
 * full-width "Ｔｅａｍ Ａ" read alike, so they are one name. The key is the name after NFKC
 * (compatibility forms: full-width, ligatures), without invisible characters (Unicode's
 * default-ignorable code points: zero-width spaces and joiners, bidirectional controls, soft
 * hyphens, variation selectors; and control characters) and without white space (a space and a
 * zero-width space look alike too), case-folded (upper then lower case, so "ß" and "SS" meet),
 * NFKC again. Names are stored as typed; the key decides uniqueness (a unique index on
 * teams.name_key).
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}]/gu

export function teamNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\s+/gu, '')
}
