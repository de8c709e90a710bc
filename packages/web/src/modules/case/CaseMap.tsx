import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Geometry as GeoJsonGeometry } from 'geojson';
import { useEffect, useRef, useState } from 'react';
import { bounds, type Outline } from '../grid/geo.ts';

maplibregl.setWorkerUrl(workerUrl);

/** Background only: works offline, with no basemap service (as GridMap). */
const STYLE: maplibregl.StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f7' } }],
};

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

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
 * Grid outlines on MapLibre with one point: the area's own outline bold, its parts thin and named,
 * the point as a marker. With `onPick`, a tap or click sets the point.
 */
export default function CaseMap({
  focus,
  parts,
  point,
  onPick,
  height = 300,
  testId = 'case-map',
}: {
  /** The area drawn bold (the grid or the current drill-down level). */
  focus?: Outline | null;
  /** Its parts, drawn thin with their names. */
  parts?: Outline[];
  point?: { lng: number; lat: number } | null;
  onPick?: (lng: number, lat: number) => void;
  height?: number;
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markerRef = useRef<maplibregl.Marker | null>(null);
  const labelsRef = useRef<maplibregl.Marker[]>([]);
  const pickRef = useRef(onPick);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    pickRef.current = onPick;
  }, [onPick]);

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
      map.addSource('focus', { type: 'geojson', data: EMPTY });
      map.addLayer({
        id: 'parts-fill',
        type: 'fill',
        source: 'parts',
        paint: { 'fill-color': '#5b8fd6', 'fill-opacity': 0.1 },
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
      setLoaded(true);
    });
    map.on('click', (e) => pickRef.current?.(e.lngLat.lng, e.lngLat.lat));
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      map.remove();
    };
  }, []);

  // Outlines: redrawn and fitted when the area changes.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const shown = parts ?? [];
    (map.getSource('parts') as maplibregl.GeoJSONSource).setData(toCollection(shown));
    (map.getSource('focus') as maplibregl.GeoJSONSource).setData(toCollection(focus ? [focus] : []));
    for (const m of labelsRef.current) m.remove();
    labelsRef.current = [];
    if (shown.length <= 40) {
      for (const part of shown) {
        const box = bounds([part.geometry]);
        if (!box) continue;
        const el = document.createElement('div');
        el.className = 'wg-map-label';
        el.textContent = part.name;
        labelsRef.current.push(
          new maplibregl.Marker({ element: el })
            .setLngLat([(box[0][0] + box[1][0]) / 2, (box[0][1] + box[1][1]) / 2])
            .addTo(map),
        );
      }
    }
    const box = bounds([...(focus ? [focus.geometry] : []), ...shown.map((p) => p.geometry)]);
    if (box) map.fitBounds(box, { padding: 16, duration: 0, maxZoom: 17 });
    else if (point) map.jumpTo({ center: [point.lng, point.lat], zoom: 15 });
    // The point is not a reason to refit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, parts, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    if (!point) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current) markerRef.current = new maplibregl.Marker({ color: '#d4380d' });
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
