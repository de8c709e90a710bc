import type { Me, PageResult, PlaceHit } from '@wangge/shared';
import { query } from '../../core/api.ts';
import { fetchApi } from '../../core/query.tsx';
import type { Geometry, Outline } from '../grid/geo.ts';
import type { MapLevel } from './LocationPicker.tsx';

interface GeoJsonExport {
  features: {
    properties: { id: number; name: string; kind: string; parentId: number | null };
    geometry: Geometry;
  }[];
}

const toOutline = (f: GeoJsonExport['features'][number]): Outline => ({
  id: f.properties.id,
  name: f.properties.name,
  kind: f.properties.kind,
  leaf: f.properties.kind === 'base_grid',
  geometry: f.geometry,
});

/** Desk map levels: the user's scope at the top, then each grid and its children (GridMap's source). */
export function deskLevels(me: Me, title: string): (id: number | null) => Promise<MapLevel> {
  const one = async (id: number): Promise<MapLevel> => {
    const fc = await fetchApi<GeoJsonExport>(`/api/grids/${id}/geojson${query({ levels: 1 })}`);
    const self = fc.features.find((f) => f.properties.id === id);
    return {
      id,
      name: self?.properties.name ?? me.scopes.find((s) => s.id === id)?.name ?? String(id),
      focus: self ? toOutline(self) : null,
      parts: fc.features.filter((f) => f.properties.id !== id).map(toOutline),
    };
  };
  return async (id) => {
    if (id !== null) return one(id);
    if (me.scopes.length === 1) return one(me.scopes[0]!.id);
    // Several scopes: their own outlines side by side.
    const tops = await Promise.all(
      me.scopes.map((s) => fetchApi<GeoJsonExport>(`/api/grids/${s.id}/geojson${query({ levels: 0 })}`)),
    );
    return {
      id: null,
      name: title,
      focus: null,
      parts: tops.flatMap((fc) => fc.features.map((f) => ({ ...toOutline(f), leaf: false }))),
    };
  };
}

/** The citizens' map: outlines of the case territory without login. */
interface PublicArea {
  id: number;
  name: string;
  geometry: Geometry | null;
  parts: { id: number; name: string; leaf: boolean; geometry: Geometry }[];
}

export async function publicLevel(id: number | null): Promise<MapLevel> {
  const area = await fetchApi<PublicArea>(`/api/public/grid-outlines${query({ parentId: id })}`);
  return {
    id: area.id,
    name: area.name,
    focus: area.geometry ? { id: area.id, name: area.name, geometry: area.geometry } : null,
    parts: area.parts.map((p) => ({ id: p.id, name: p.name, leaf: p.leaf, geometry: p.geometry })),
  };
}

/** The desk's place search: grids of the user's scope by name. */
export async function deskPlaces(text: string): Promise<PlaceHit[]> {
  return (await fetchApi<PageResult<PlaceHit>>(`/api/grids/places${query({ q: text, pageSize: 10 })}`)).items;
}

/** The citizens' place search: grids of the case territory by name. */
export async function publicPlaces(text: string): Promise<PlaceHit[]> {
  return (await fetchApi<PageResult<PlaceHit>>(`/api/public/grid-places${query({ q: text, pageSize: 10 })}`))
    .items;
}
