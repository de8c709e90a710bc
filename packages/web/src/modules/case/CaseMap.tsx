import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Geometry as GeoJsonGeometry } from 'geojson';
import type { MapSettings } from '@wangge/shared';
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../core/query.tsx';
import { bounds, contains, type Geometry, type Outline } from '../grid/geo.ts';

maplibregl.setWorkerUrl(workerUrl);

/** Background only: works offline, with no basemap service (as GridMap); a configured basemap goes under it. */
const STYLE: maplibregl.StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f7' } }],
};

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** The layer of the parts' names (read by the browser tests for the collision result). */
export const LABEL_LAYER = 'parts-label';

function toCollection(outlines: Outline[]) {
  return {
    type: 'FeatureCollection' as const,
    features: outlines.map((o) => ({
      type: 'Feature' as const,
      properties: { id: o.id, name: o.name },
      geometry: o.geometry as GeoJsonGeometry,
    })),
  };
}

/**
 * A point inside an outline to put its name on: the middle of its box when that lies inside,
 * else the middle of the widest inside stretch along the box's middle parallel.
 */
export function labelPoint(geometry: Geometry): [number, number] | null {
  const box = bounds([geometry]);
  if (!box) return null;
  const x = (box[0][0] + box[1][0]) / 2;
  const y = (box[0][1] + box[1][1]) / 2;
  if (contains(geometry, x, y)) return [x, y];
  const polygons = (
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  ) as number[][][][];
  const xs: number[] = [];
  for (const ring of polygons.flat())
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
  xs.sort((a, b) => a - b);
  let best: [number, number] | null = null;
  for (let k = 0, width = 0; k + 1 < xs.length; k += 2)
    if (xs[k + 1]! - xs[k]! > width) {
      width = xs[k + 1]! - xs[k]!;
      best = [(xs[k]! + xs[k + 1]!) / 2, y];
    }
  return best;
}

function toLabels(outlines: Outline[]) {
  return {
    type: 'FeatureCollection' as const,
    features: outlines.flatMap((o) => {
      const at = labelPoint(o.geometry);
      return at
        ? [
            {
              type: 'Feature' as const,
              properties: { id: o.id, name: o.name },
              geometry: { type: 'Point' as const, coordinates: at },
            },
          ]
        : [];
    }),
  };
}

/**
 * Grid outlines on MapLibre with one point: the area's own outline bold, its parts thin and named
 * (a symbol layer: names that would collide are left out, never drawn over each other), the part
 * under the point tinted, the point as a marker, and the configured basemap under it all. With
 * `onPick`, a tap or click sets the point; with `onMove`, the marker can be dragged.
 */
export default function CaseMap({
  focus,
  parts,
  point,
  highlight = null,
  fit = null,
  onPick,
  onMove,
  height = 300,
  testId = 'case-map',
}: {
  /** The area drawn bold (the grid or the current drill-down level). */
  focus?: Outline | null;
  /** Its parts, drawn thin with their names. */
  parts?: Outline[];
  point?: { lng: number; lat: number } | null;
  /** The part tinted (the one holding the point). */
  highlight?: number | null;
  /** A box to fly to ([west, south, east, north]); a new array flies again. */
  fit?: readonly number[] | null;
  onPick?: (lng: number, lat: number) => void;
  onMove?: (lng: number, lat: number) => void;
  height?: number;
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markerRef = useRef<maplibregl.Marker | null>(null);
  const pickRef = useRef(onPick);
  const moveRef = useRef(onMove);
  const [loaded, setLoaded] = useState(false);
  const basemap = useApi<MapSettings>('/api/public/map-settings', { staleTime: Infinity }).data?.basemap;
  useEffect(() => {
    pickRef.current = onPick;
    moveRef.current = onMove;
  }, [onPick, onMove]);

  useEffect(() => {
    if (!container.current) return;
    const map = new maplibregl.Map({
      container: container.current,
      style: STYLE,
      attributionControl: false,
      center: [110, 33],
      zoom: 3,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      map.addSource('parts', { type: 'geojson', data: EMPTY });
      map.addSource('labels', { type: 'geojson', data: EMPTY });
      map.addSource('focus', { type: 'geojson', data: EMPTY });
      map.addLayer({
        id: 'parts-fill',
        type: 'fill',
        source: 'parts',
        paint: { 'fill-color': '#5b8fd6', 'fill-opacity': 0.1 },
      });
      map.addLayer({
        id: 'parts-picked',
        type: 'fill',
        source: 'parts',
        filter: ['==', ['get', 'id'], -1],
        paint: { 'fill-color': '#fa8c16', 'fill-opacity': 0.22 },
      });
      map.addLayer({
        id: 'parts-line',
        type: 'line',
        source: 'parts',
        paint: { 'line-color': '#5b8fd6', 'line-width': 1 },
      });
      map.addLayer({
        id: 'focus-line',
        type: 'line',
        source: 'focus',
        paint: { 'line-color': '#1458a8', 'line-width': 2.5 },
      });
      // Names are drawn by the browser (no glyph server); the collision index keeps them apart.
      map.addLayer({
        id: LABEL_LAYER,
        type: 'symbol',
        source: 'labels',
        layout: {
          'text-field': ['get', 'name'],
          'text-font': ['sans-serif'],
          'text-size': 12,
          'text-max-width': 7,
          'text-padding': 3,
          'text-allow-overlap': false,
          'text-ignore-placement': false,
        },
        paint: { 'text-color': '#1458a8', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      });
      setLoaded(true);
    });
    map.on('click', (e) => pickRef.current?.(e.lngLat.lng, e.lngLat.lat));
    mapRef.current = map;
    // The browser tests read labels and the collision result off the map.
    (container.current as HTMLDivElement & { wgMap?: maplibregl.Map }).wgMap = map;
    return () => {
      mapRef.current = null;
      markerRef.current = null;
      map.remove();
    };
  }, []);

  // The configured raster basemap, under everything else.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !basemap || map.getSource('basemap')) return;
    map.addSource('basemap', { type: 'raster', tiles: basemap.tiles, tileSize: 256, maxzoom: 18 });
    map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, 'parts-fill');
    // The outlines' fill tints the basemap rather than hiding it.
    map.setPaintProperty('parts-fill', 'fill-opacity', 0.06);
  }, [basemap, loaded]);

  // Outlines: redrawn and fitted when the area changes.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const shown = parts ?? [];
    (map.getSource('parts') as maplibregl.GeoJSONSource).setData(toCollection(shown));
    (map.getSource('labels') as maplibregl.GeoJSONSource).setData(toLabels(shown));
    (map.getSource('focus') as maplibregl.GeoJSONSource).setData(toCollection(focus ? [focus] : []));
    const box = bounds([...(focus ? [focus.geometry] : []), ...shown.map((p) => p.geometry)]);
    if (box) map.fitBounds(box, { padding: 16, duration: 0, maxZoom: 17 });
    else if (point) map.jumpTo({ center: [point.lng, point.lat], zoom: 15 });
    // The point is not a reason to refit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, parts, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    map.setFilter('parts-picked', ['==', ['get', 'id'], highlight ?? -1]);
  }, [highlight, loaded]);

  // A place found by name: fly there (after the level's own fit above).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !fit || fit.length !== 4) return;
    map.fitBounds(
      [
        [fit[0]!, fit[1]!],
        [fit[2]!, fit[3]!],
      ],
      { padding: 24, duration: 600, maxZoom: 17 },
    );
  }, [fit, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    if (!point) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current) {
      const marker = new maplibregl.Marker({ color: '#d4380d', draggable: Boolean(moveRef.current) });
      marker.getElement().dataset.testid = 'map-pin';
      marker.on('dragend', () => {
        const at = marker.getLngLat();
        moveRef.current?.(at.lng, at.lat);
      });
      markerRef.current = marker;
    }
    markerRef.current.setLngLat([point.lng, point.lat]).addTo(map);
    const b = map.getBounds();
    if (!b.contains([point.lng, point.lat])) map.easeTo({ center: [point.lng, point.lat], duration: 300 });
  }, [point, loaded]);

  return (
    <div
      ref={container}
      style={{
        height,
        width: '100%',
        borderRadius: 6,
        overflow: 'hidden',
        cursor: onPick ? 'crosshair' : undefined,
      }}
      data-testid={testId}
      data-loaded={loaded ? 'true' : 'false'}
    />
  );
}
