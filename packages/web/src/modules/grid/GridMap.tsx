import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
// The worker is a separate, self-contained file; Vite emits it as an asset and gives its URL.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Geometry as GeoJsonGeometry } from 'geojson';
import { useEffect, useRef } from 'react';
import { bounds } from './geo.ts';

type Geometry = { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };

interface Props {
  geometry: Geometry | null;
  children: { id: number; name: string; geometry: Geometry | null }[];
  height?: number;
}

maplibregl.setWorkerUrl(workerUrl);

/** Background only: works offline, with no basemap service. */
const STYLE: maplibregl.StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f7' } }],
};

/** The node's outline (bold) and its children's (thin), on a MapLibre map fitted to them. */
export function GridMap({ geometry, children, height = 320 }: Props) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!container.current) return;
    const map = new maplibregl.Map({
      container: container.current,
      style: STYLE,
      attributionControl: false,
      center: [110, 33],
      zoom: 3,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      const childFeatures = children
        .filter((c) => c.geometry)
        .map((c) => ({
          type: 'Feature' as const,
          properties: { id: c.id, name: c.name },
          geometry: c.geometry as GeoJsonGeometry,
        }));
      map.addSource('children', {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: childFeatures },
      });
      map.addLayer({
        id: 'children-fill',
        type: 'fill',
        source: 'children',
        paint: { 'fill-color': '#5b8fd6', 'fill-opacity': 0.12 },
      });
      map.addLayer({
        id: 'children-line',
        type: 'line',
        source: 'children',
        paint: { 'line-color': '#5b8fd6', 'line-width': 1 },
      });
      if (geometry) {
        map.addSource('node', {
          type: 'geojson',
          data: { type: 'Feature', properties: {}, geometry: geometry as GeoJsonGeometry },
        });
        map.addLayer({
          id: 'node-line',
          type: 'line',
          source: 'node',
          paint: { 'line-color': '#1458a8', 'line-width': 3 },
        });
      }
      const box = bounds([
        ...(geometry ? [geometry] : []),
        ...children.flatMap((c) => (c.geometry ? [c.geometry] : [])),
      ]);
      if (box) map.fitBounds(box, { padding: 24, duration: 0 });
    });
    return () => map.remove();
  }, [geometry, children]);

  return (
    <div
      ref={container}
      style={{ height, width: '100%', borderRadius: 6, overflow: 'hidden' }}
      data-testid="grid-map"
    />
  );
}
