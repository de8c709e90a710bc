import { GRID_MEASURES, type GridMeasureKey } from '@wangge/shared';

/** The measure a map colours by, as the page's `measure` parameter names it. */
export function measureOf(value: string | null): GridMeasureKey | null {
  return (GRID_MEASURES as readonly string[]).includes(value ?? '') ? (value as GridMeasureKey) : null;
}

/** The permission each measure needs (the server checks the same; the switch hides the rest). */
export const MEASURE_PERMISSION = { duty_gaps: 'duty.read', open_cases: 'case.read' } as const;

/** Green for none, then from light to dark: the more gaps or open cases, the darker. */
const COLOURS = ['#b7eb8f', '#ffe58f', '#ffc069', '#ff7a45', '#cf1322'] as const;

export interface MeasureClass {
  from: number;
  to: number;
  colour: string;
}

/** The legend's classes for values up to `max`: 0 alone, then up to four equal steps. */
export function measureClasses(max: number): MeasureClass[] {
  const classes: MeasureClass[] = [{ from: 0, to: 0, colour: COLOURS[0] }];
  if (max <= 0) return classes;
  const step = Math.ceil(max / 4);
  for (let from = 1, i = 1; from <= max; from += step, i++)
    classes.push({ from, to: Math.min(from + step - 1, max), colour: COLOURS[i]! });
  return classes;
}

/** A MapLibre `step` expression colouring a feature's `value` by the classes (a colour for one). */
export function classColour(classes: MeasureClass[]): string | unknown[] {
  if (classes.length === 1) return classes[0]!.colour;
  return [
    'step',
    ['coalesce', ['get', 'value'], 0],
    classes[0]!.colour,
    ...classes.slice(1).flatMap((c) => [c.from, c.colour]),
  ];
}
