import { ImpastoError } from '../errors';
import { FST_LICENCE } from '../store/catalogue';

/** A pretrained fast-style network and the painting it learned. */
export interface StyleInfo {
  readonly id: string;
  readonly title: string;
  readonly artist: string;
  /** Model id in the catalogue (`fst/<id>`). */
  readonly model: string;
  readonly licence: string;
}

// Titles and artists as credited by ml5 and lengstrom/fast-style-transfer; where a release did not
// name the work we say so rather than guess.
const STYLES: readonly Omit<StyleInfo, 'model' | 'licence'>[] = [
  { id: 'la_muse', title: 'La Muse', artist: 'Pablo Picasso' },
  { id: 'mathura', title: 'Mathura (title as credited by ml5)', artist: 'not recorded' },
  { id: 'matilde_perez', title: 'untitled (as credited by ml5)', artist: 'Matilde Pérez' },
  { id: 'matta', title: 'untitled (as credited by ml5)', artist: 'Roberto Matta' },
  { id: 'rain_princess', title: 'Rain Princess', artist: 'Leonid Afremov' },
  { id: 'scream', title: 'The Scream', artist: 'Edvard Munch' },
  { id: 'udnie', title: 'Udnie (Young American Girl, The Dance)', artist: 'Francis Picabia' },
  { id: 'wave', title: 'The Great Wave off Kanagawa', artist: 'Katsushika Hokusai' },
  { id: 'wreck', title: 'The Shipwreck of the Minotaur', artist: 'J. M. W. Turner' },
];

/** The pretrained styles' ids. */
export const STYLE_IDS = ['la_muse', 'mathura', 'matilde_perez', 'matta', 'rain_princess', 'scream', 'udnie', 'wave', 'wreck'] as const;
export type StyleId = (typeof STYLE_IDS)[number];

/**
 * What names a fast style: a pretrained id, or a checkpoint folder of your own, which is a path with
 * a slash (`./my-style`, `/srv/styles/ink`), as the loaders tell them apart. A typo such as `'wavee'`
 * is a type error; a name computed at run time is checked there (`UNKNOWN_STYLE`).
 */
export type StyleName = StyleId | `${string}/${string}`;

/** Whether `id` is a pretrained style's id. */
export function isStyleId(id: unknown): id is StyleId {
  return typeof id === 'string' && (STYLE_IDS as readonly string[]).includes(id);
}

/** The nine pretrained styles. */
export function listStyles(): StyleInfo[] {
  return STYLES.map((s) => ({ ...s, model: `fst/${s.id}`, licence: FST_LICENCE }));
}

/** Style by id; an unknown id is an `UNKNOWN_STYLE` error that lists the valid ones. */
export function getStyle(id: string): StyleInfo {
  const s = listStyles().find((x) => x.id === id);
  if (!s) {
    throw new ImpastoError('UNKNOWN_STYLE', `Unknown style '${id}'; valid styles: ${STYLES.map((x) => x.id).join(', ')}`);
  }
  return s;
}
