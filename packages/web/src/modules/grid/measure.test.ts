import { describe, expect, it } from 'vitest';
import { contains, labelPoint, type Geometry } from './geo.ts';
import { classColour, measureClasses, measureOf } from './measure.ts';

describe('measure classes', () => {
  it('keep 0 apart and cover every value up to the largest in at most four steps', () => {
    expect(measureClasses(0).map((c) => [c.from, c.to])).toEqual([[0, 0]]);
    expect(measureClasses(3).map((c) => [c.from, c.to])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(measureClasses(34).map((c) => [c.from, c.to])).toEqual([
      [0, 0],
      [1, 9],
      [10, 18],
      [19, 27],
      [28, 34],
    ]);
    for (let max = 1; max <= 60; max++) {
      const classes = measureClasses(max);
      expect(classes.length).toBeLessThanOrEqual(5);
      expect(classes.at(-1)!.to).toBe(max);
      classes.slice(1).forEach((c, i) => expect(c.from).toBe(classes[i]!.to + 1));
    }
  });

  it('colour by step, or with one colour when all are 0 (a step needs a stop)', () => {
    expect(classColour(measureClasses(0))).toBe('#b7eb8f');
    expect(classColour(measureClasses(2))).toEqual([
      'step',
      ['coalesce', ['get', 'value'], 0],
      '#b7eb8f',
      1,
      '#ffe58f',
      2,
      '#ffc069',
    ]);
  });

  it('read only the known measures from the address', () => {
    expect(measureOf('open_cases')).toBe('open_cases');
    expect(measureOf('duty_gaps')).toBe('duty_gaps');
    expect(measureOf('people')).toBeNull();
    expect(measureOf(null)).toBeNull();
  });
});

describe('label point', () => {
  it('lies inside an L-shaped grid, whose box centre does not', () => {
    const l: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 0.2],
          [0.2, 0.2],
          [0.2, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    expect(contains(l, 0.5, 0.5)).toBe(false);
    const [x, y] = labelPoint(l)!;
    expect(contains(l, x, y)).toBe(true);
  });

  it('goes into the largest part of a multipolygon', () => {
    const square = (x: number, size: number) => [
      [
        [x, 0],
        [x + size, 0],
        [x + size, size],
        [x, size],
        [x, 0],
      ],
    ];
    const [x] = labelPoint({ type: 'MultiPolygon', coordinates: [square(0, 0.1), square(5, 1)] })!;
    expect(x).toBeGreaterThan(5);
    expect(x).toBeLessThan(6);
  });
});
