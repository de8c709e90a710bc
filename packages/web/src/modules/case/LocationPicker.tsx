import { AimOutlined, ArrowUpOutlined, EnvironmentOutlined, SearchOutlined } from '@ant-design/icons';
import type { PlaceHit } from '@wangge/shared';
import { App, AutoComplete, Breadcrumb, Button, Input, Space, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorText } from '../../core/api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { contains, type Outline } from '../grid/geo.ts';

// MapLibre is large: loaded only when a map is shown.
const CaseMap = lazy(() => import('./CaseMap.tsx'));

/** One drill-down level: an area and its parts. */
export interface MapLevel {
  id: number | null;
  name: string;
  focus: Outline | null;
  parts: Outline[];
}

export interface PickedPoint {
  lng: number;
  lat: number;
  /** Names from the top level down to the smallest outline shown that holds the point. */
  path: string[];
  /** The smallest outline shown that holds the point, when it has no parts (a base grid). */
  gridId: number | null;
}

/** How far a pick opens the levels: one down (a tap), as deep as before (a drag), to the bottom. */
type Depth = 'one' | 'keep' | 'all';

const partAt = (level: MapLevel | undefined, lng: number, lat: number) =>
  level?.parts.find((p) => contains(p.geometry, lng, lat));

/**
 * Location on a map of grid outlines. A tap sets the point and opens the part it falls in, one
 * level down (the breadcrumb and 上一级 go back up; a tap outside the area shown comes back to the
 * same depth elsewhere); the pin can be dragged, and the part under it is found again; a place can
 * be searched by name and flown to; or the browser's position is used (opened down to the base
 * grid). A late answer for an older pick never overwrites a newer one.
 */
export function LocationPicker({
  load,
  search,
  rootKey,
  value,
  onChange,
  height = 300,
  geolocate = true,
}: {
  /** Loads an area and its parts; null: the top. */
  load: (id: number | null) => Promise<MapLevel>;
  /** Finds places by name (grids the page may show). */
  search?: (text: string) => Promise<PlaceHit[]>;
  /** Changing it restarts from the top. */
  rootKey?: string | number;
  value?: PickedPoint | null;
  onChange?: (p: PickedPoint | null) => void;
  height?: number;
  geolocate?: boolean;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [stack, setStack] = useState<MapLevel[]>([]);
  const [busy, setBusy] = useState(false);
  const [locating, setLocating] = useState(false);
  const [fit, setFit] = useState<number[] | null>(null);
  const stackRef = useRef(stack);
  // Every pick, search and restart takes a number; only the latest may change the map.
  const seq = useRef(0);
  useEffect(() => {
    stackRef.current = stack;
  }, [stack]);

  // A new root: picks under way are dropped; a pick made meanwhile does not drop the root.
  const rootSeq = useRef(0);
  useEffect(() => {
    const mine = ++rootSeq.current;
    ++seq.current;
    load(null)
      .then((top) => mine === rootSeq.current && setStack([top]))
      .catch((err) => mine === rootSeq.current && message.error(errorText(err, lang)));
    // Only a new root restarts the map.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rootKey]);

  const emit = useCallback(
    (levels: MapLevel[], lng: number, lat: number) => {
      const part = partAt(levels[levels.length - 1], lng, lat);
      const path = [...levels.slice(1).map((l) => l.name), ...(part ? [part.name] : [])];
      onChange?.({ lng, lat, path, gridId: part?.leaf ? part.id : null });
    },
    [onChange],
  );

  /** Sets the point and opens the levels holding it as `depth` says. */
  const pickAt = useCallback(
    async (lng: number, lat: number, depth: Depth) => {
      const mine = ++seq.current;
      let levels = stackRef.current;
      const before = levels.length;
      // A point outside the current area: back up to a level that holds it.
      while (levels.length > 1 && levels[levels.length - 1]!.focus) {
        if (contains(levels[levels.length - 1]!.focus!.geometry, lng, lat)) break;
        levels = levels.slice(0, -1);
      }
      // A tap inside goes one level down; one outside (or a drag) comes back to the same depth.
      const wanted =
        depth === 'all' ? Infinity : depth === 'one' && levels.length === before ? before + 1 : before;
      setBusy(true);
      try {
        while (levels.length < wanted && levels.length < 12) {
          const part = partAt(levels[levels.length - 1], lng, lat);
          if (!part || part.leaf) break;
          const next = await load(part.id);
          if (mine !== seq.current) return;
          if (next.parts.length === 0) break;
          levels = [...levels, next];
        }
      } catch (err) {
        if (mine === seq.current) message.error(errorText(err, lang));
      } finally {
        if (mine === seq.current) setBusy(false);
      }
      if (mine !== seq.current) return;
      setStack(levels);
      emit(levels, lng, lat);
    },
    [load, lang, message, emit],
  );

  /** A place found by name: opens the levels down to it and flies there; a base grid gets the pin. */
  const goTo = useCallback(
    async (hit: PlaceHit) => {
      const mine = ++seq.current;
      const top = stackRef.current[0];
      if (!top) return;
      // The levels from the top down to the place (or to the base grid's area): below the top when
      // the place lies under it (or the top is the several scopes side by side), else from its root.
      const chain = [...hit.ancestors.map((a) => a.id), ...(hit.leaf ? [] : [hit.id])];
      const at = top.id === null ? -1 : chain.indexOf(top.id);
      const under = top.id === null || at >= 0;
      setBusy(true);
      try {
        const below = await Promise.all(chain.slice(at + 1).map((id) => load(id)));
        if (mine !== seq.current) return;
        const levels = under ? [top, ...below] : below;
        if (!levels.length) return;
        setStack(levels);
        if (hit.bbox) setFit([...hit.bbox]);
        const holder = levels[levels.length - 1]!.parts.find((p) => p.id === hit.id);
        if (hit.leaf && hit.center && holder && contains(holder.geometry, hit.center.lng, hit.center.lat))
          emit(levels, hit.center.lng, hit.center.lat);
      } catch (err) {
        if (mine === seq.current) message.error(errorText(err, lang));
      } finally {
        if (mine === seq.current) setBusy(false);
      }
    },
    [load, lang, message, emit],
  );

  const locate = () => {
    if (!navigator.geolocation) {
      message.error(t('map.noGeolocation'));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        void pickAt(pos.coords.longitude, pos.coords.latitude, 'all');
      },
      () => {
        setLocating(false);
        message.error(t('map.geolocationFailed'));
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };

  const goUp = (to: number) => {
    ++seq.current;
    setBusy(false);
    setStack(stack.slice(0, to));
  };

  const level = stack[stack.length - 1];
  const under = value ? partAt(level, value.lng, value.lat) : undefined;
  return (
    <div data-testid="location-picker">
      <div style={{ display: 'flex', gap: 6, marginBottom: 6 }}>
        {search && <PlaceSearch search={search} onPick={(hit) => void goTo(hit)} />}
        {geolocate && (
          <Button icon={<AimOutlined />} loading={locating} onClick={locate} data-testid="geolocate">
            {t('map.myLocation')}
          </Button>
        )}
      </div>
      <Space size={4} style={{ marginBottom: 6, width: '100%', justifyContent: 'space-between' }}>
        <Breadcrumb
          data-testid="map-levels"
          items={stack.map((l, i) => ({
            key: String(l.id),
            title: i < stack.length - 1 ? <a onClick={() => goUp(i + 1)}>{l.name}</a> : <span>{l.name}</span>,
          }))}
        />
        {stack.length > 1 && (
          <Button
            size="small"
            icon={<ArrowUpOutlined />}
            onClick={() => goUp(stack.length - 1)}
            data-testid="map-up"
          >
            {t('map.up')}
          </Button>
        )}
      </Space>
      <Suspense fallback={<div style={{ height, background: '#eef2f7', borderRadius: 6 }} />}>
        <CaseMap
          focus={level?.focus ?? null}
          parts={level?.parts ?? []}
          point={value ?? null}
          highlight={under?.id ?? null}
          fit={fit}
          onPick={(lng, lat) => void pickAt(lng, lat, 'one')}
          onMove={(lng, lat) => void pickAt(lng, lat, 'keep')}
          height={height}
          testId="location-map"
        />
      </Suspense>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="picked-location">
        {busy ? (
          t('common.loading')
        ) : value ? (
          <>
            <EnvironmentOutlined /> {value.path.length ? value.path.join(' › ') : t('map.pointSet')}（
            {value.lng.toFixed(5)}, {value.lat.toFixed(5)}）
            <br />
            {under && !under.leaf ? t('map.refineHint') : t('map.dragHint')}
          </>
        ) : (
          t('map.tapHint')
        )}
      </Typography.Text>
    </div>
  );
}

/** Values of the search's options (never typed). */
const PLACE = 'place:';

/** A search box over place names: suggestions as one types, the chosen one flown to. */
function PlaceSearch({
  search,
  onPick,
}: {
  search: (text: string) => Promise<PlaceHit[]>;
  onPick: (hit: PlaceHit) => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<PlaceHit[] | null>(null);
  const latest = useRef('');

  // One search per pause in typing; only the answer for the latest text is shown.
  useEffect(() => {
    const q = text.trim();
    latest.current = q;
    if (!q) {
      setHits(null);
      return;
    }
    const timer = setTimeout(() => {
      search(q)
        .then((found) => latest.current === q && setHits(found))
        .catch((err) => latest.current === q && message.error(errorText(err, lang)));
    }, 250);
    return () => clearTimeout(timer);
  }, [text, search, message, lang]);

  const options: { value: string; label: ReactNode; disabled?: boolean }[] =
    hits === null
      ? []
      : hits.length === 0
        ? [{ value: '', disabled: true, label: t('map.searchNone') }]
        : hits.map((h) => ({
            value: `${PLACE}${h.id}`,
            label: (
              <div data-testid="place-option" style={{ whiteSpace: 'normal' }}>
                <div>{h.name}</div>
                {h.ancestors.length > 0 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {h.ancestors.map((a) => a.name).join(' › ')}
                  </Typography.Text>
                )}
              </div>
            ),
          }));

  return (
    <AutoComplete
      style={{ flex: 1, minWidth: 0 }}
      value={text}
      options={options}
      showSearch={{ filterOption: false }}
      // Choosing an option first reports its value as the text: keep what was typed.
      onChange={(v: string) => !v.startsWith(PLACE) && setText(v)}
      onSelect={(v: string) => {
        const hit = hits?.find((h) => `${PLACE}${h.id}` === v);
        if (!hit) return;
        setText(hit.name);
        onPick(hit);
      }}
      data-testid="place-search"
    >
      <Input prefix={<SearchOutlined />} placeholder={t('map.search')} allowClear maxLength={40} />
    </AutoComplete>
  );
}
