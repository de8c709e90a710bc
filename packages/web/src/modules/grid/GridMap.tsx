import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
// The worker is a separate, self-contained file; Vite emits it as an asset and gives its URL.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Feature, FeatureCollection, Geometry as GeoJsonGeometry, Point } from 'geojson';
import { Grid } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { bounds, labelPoint, type Geometry } from './geo.ts';
import { classColour, measureClasses, type MeasureClass } from './measure.ts';

/** A grid drawn on the map: outlined, named, coloured by the measure, opened by a click. */
export interface MapPart {
  id: number;
  name: string;
  geometry: Geometry;
}

interface Props {
  /** Outlines drawn bold around the parts (the grid shown, or the roots of the overview). */
  outlines: Geometry[];
  parts: MapPart[];
  /** The measure's value per part; `null` draws the parts plain. */
  values?: ReadonlyMap<number, number> | null;
  /** The legend's title (the measure's name), shown with `values`. */
  legendTitle?: string;
  onSelect?: (id: number) => void;
  height?: number;
  testId?: string;
}

maplibregl.setWorkerUrl(workerUrl);

/**
 * Background only: works offline, with no basemap service. No `glyphs` either: MapLibre draws
 * the labels with the browser's own fonts (CJK included).
 */
const STYLE: maplibregl.StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f7' } }],
};

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const PLAIN_FILL = '#5b8fd6';

/**
 * Grid outlines on a MapLibre map fitted to them. The parts' names are a symbol layer, so
 * MapLibre's collision detection drops the names that would overlap (on a phone the larger grids
 * keep theirs); with a measure the parts are coloured by class and the map shows a legend.
 * The names placed, with their screen position, are kept in the `data-labels` attribute.
 */
export function GridMap({
  outlines,
  parts,
  values = null,
  legendTitle,
  onSelect,
  height = 320,
  testId,
}: Props) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const selectRef = useRef(onSelect);
  const [loaded, setLoaded] = useState(false);
  // On a phone the legend goes under the map rather than over its grids.
  const overlay = Grid.useBreakpoint().sm ?? true;
  useEffect(() => {
    selectRef.current = onSelect;
  }, [onSelect]);

  const classes = useMemo<MeasureClass[] | null>(
    () => (values ? measureClasses(Math.max(0, ...values.values())) : null),
    [values],
  );

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = new maplibregl.Map({
      container: el,
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
      map.addSource('outlines', { type: 'geojson', data: EMPTY });
      map.addLayer({
        id: 'parts-fill',
        type: 'fill',
        source: 'parts',
        paint: { 'fill-color': PLAIN_FILL, 'fill-opacity': 0.12 },
      });
      map.addLayer({
        id: 'parts-line',
        type: 'line',
        source: 'parts',
        paint: { 'line-color': '#5b8fd6', 'line-width': 1 },
      });
      map.addLayer({
        id: 'outlines-line',
        type: 'line',
        source: 'outlines',
        paint: { 'line-color': '#1458a8', 'line-width': 3 },
      });
      map.addLayer({
        id: 'part-labels',
        type: 'symbol',
        source: 'labels',
        layout: {
          'text-field': ['get', 'label'],
          'text-size': 12,
          'text-max-width': 7,
          'text-line-height': 1.25,
          'text-padding': 3,
          // The larger grids are placed first, so they keep their names when space runs out.
          'symbol-sort-key': ['get', 'rank'],
        },
        paint: { 'text-color': '#1f2937', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      });
      map.on('click', 'parts-fill', (e) => {
        const id = Number(e.features?.[0]?.properties?.id);
        if (Number.isInteger(id)) selectRef.current?.(id);
      });
      map.on('mouseenter', 'parts-fill', () => {
        if (selectRef.current) map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', 'parts-fill', () => {
        map.getCanvas().style.cursor = '';
      });
      // What the collision detection let through, where it is on screen.
      map.on('idle', () => {
        const placed = new Map<number, { id: number; name: string; x: number; y: number }>();
        for (const f of map.queryRenderedFeatures({ layers: ['part-labels'] })) {
          const id = Number(f.properties.id);
          const [lng, lat] = (f.geometry as Point).coordinates as [number, number];
          const { x, y } = map.project([lng, lat]);
          placed.set(id, { id, name: String(f.properties.name), x: Math.round(x), y: Math.round(y) });
        }
        el.dataset.labels = JSON.stringify([...placed.values()]);
      });
      setLoaded(true);
    });
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      map.remove();
    };
  }, []);

  // Shapes, names and values.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const partFeatures: Feature[] = parts.map((p) => ({
      type: 'Feature',
      properties: { id: p.id, name: p.name, value: values?.get(p.id) ?? 0 },
      geometry: p.geometry as GeoJsonGeometry,
    }));
    const labelFeatures: Feature[] = parts.flatMap((p) => {
      const at = labelPoint(p.geometry);
      const box = bounds([p.geometry]);
      if (!at || !box) return [];
      const value = values?.get(p.id) ?? 0;
      return [
        {
          type: 'Feature',
          properties: {
            id: p.id,
            name: p.name,
            label: values ? `${p.name}\n${value}` : p.name,
            rank: -(box[1][0] - box[0][0]) * (box[1][1] - box[0][1]),
          },
          geometry: { type: 'Point', coordinates: at },
        },
      ];
    });
    (map.getSource('parts') as maplibregl.GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: partFeatures,
    });
    (map.getSource('labels') as maplibregl.GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: labelFeatures,
    });
    (map.getSource('outlines') as maplibregl.GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: outlines.map((g) => ({ type: 'Feature', properties: {}, geometry: g as GeoJsonGeometry })),
    });
    map.setPaintProperty(
      'parts-fill',
      'fill-color',
      classes
        ? (classColour(classes) as maplibregl.DataDrivenPropertyValueSpecification<string>)
        : PLAIN_FILL,
    );
    map.setPaintProperty('parts-fill', 'fill-opacity', classes ? 0.7 : 0.12);
  }, [parts, outlines, values, classes, loaded]);

  // Fitted when the shapes change (not when only the colours do).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const box = bounds([...outlines, ...parts.map((p) => p.geometry)]);
    if (box) map.fitBounds(box, { padding: 24, duration: 0, maxZoom: 17 });
  }, [parts, outlines, loaded]);

  return (
    <div style={{ position: 'relative' }}>
      <div
        ref={container}
        style={{ height, width: '100%', borderRadius: 6, overflow: 'hidden' }}
        data-testid={testId ?? 'grid-map'}
      />
      {classes && (
        <div
          data-testid="map-legend"
          style={{
            fontSize: 12,
            lineHeight: '18px',
            ...(overlay
              ? {
                  position: 'absolute',
                  left: 8,
                  bottom: 8,
                  padding: '4px 8px',
                  background: 'rgba(255,255,255,0.92)',
                  borderRadius: 4,
                  boxShadow: '0 1px 3px rgba(0,0,0,0.15)',
                  pointerEvents: 'none',
                }
              : { display: 'flex', flexWrap: 'wrap', columnGap: 12, paddingTop: 6 }),
          }}
        >
          {legendTitle && (
            <div style={{ fontWeight: 500, width: overlay ? undefined : '100%' }}>{legendTitle}</div>
          )}
          {classes.map((c) => (
            <div key={c.from} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
              <span
                style={{
                  display: 'inline-block',
                  width: 14,
                  height: 10,
                  background: c.colour,
                  border: '1px solid rgba(0,0,0,0.15)',
                }}
              />
              {c.from === c.to ? c.from : `${c.from}–${c.to}`}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
