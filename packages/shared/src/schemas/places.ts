import { Type, type Static } from 'typebox';
import { Id, Int, Latitude, Longitude } from './numbers.ts';

/** Limits of the place search of the location picker (a name typed on a phone, a short list back). */
export const PLACE_SEARCH = { textMax: 40, pageMax: 50, pageSizeMax: 20, pageSizeDefault: 10 } as const;

/** A grid name (or part of one) to find, one page of hits at a time. */
export const PlaceSearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: PLACE_SEARCH.textMax, description: '网格名称（或其中一段）' }),
  page: Type.Optional(Int(1, PLACE_SEARCH.pageMax, { default: 1 })),
  pageSize: Type.Optional(Int(1, PLACE_SEARCH.pageSizeMax, { default: PLACE_SEARCH.pageSizeDefault })),
});
export type PlaceSearchQuery = Static<typeof PlaceSearchQuery>;

/**
 * A grid found by name, with what the map needs to fly there: the visible ancestors (top first),
 * its centre and bounding box. Names and outlines only: nothing about the people on duty.
 */
export const PlaceHit = Type.Object({
  id: Id(),
  name: Type.String(),
  /** True when the grid has no live parts below it (a base grid). */
  leaf: Type.Boolean(),
  ancestors: Type.Array(Type.Object({ id: Id(), name: Type.String() })),
  center: Type.Union([Type.Object({ lng: Longitude(), lat: Latitude() }), Type.Null()]),
  /** [west, south, east, north] in WGS84. */
  bbox: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()]),
});
export type PlaceHit = Static<typeof PlaceHit>;

/** The map settings every page may read: the optional raster basemap (tile URL templates, WGS84/CGCS2000). */
export const MapSettings = Type.Object({
  basemap: Type.Union([
    Type.Object({
      /** XYZ tile URL templates ({z}/{x}/{y}), drawn one over the other in this order. */
      tiles: Type.Array(Type.String()),
      attribution: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export type MapSettings = Static<typeof MapSettings>;
