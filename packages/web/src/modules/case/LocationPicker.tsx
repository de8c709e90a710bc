import { AimOutlined, ArrowUpOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { App, Breadcrumb, Button, Space, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
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
  /** Names from the top level down to the smallest outline holding the point. */
  path: string[];
  /** The smallest outline holding the point, when it has no parts (a base grid). */
  gridId: number | null;
}

/**
 * Location by tapping a map of grid outlines: a tap sets the point and opens the part it falls in,
 * down to the base grid, so a big area narrows down in one or two taps. Or the browser's position.
 */
export function LocationPicker({
  load,
  rootKey,
  value,
  onChange,
  height = 300,
  geolocate = true,
}: {
  /** Loads an area and its parts; null: the top. */
  load: (id: number | null) => Promise<MapLevel>;
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
  const stackRef = useRef(stack);
  useEffect(() => {
    stackRef.current = stack;
  }, [stack]);

  useEffect(() => {
    let live = true;
    load(null)
      .then((top) => live && setStack([top]))
      .catch((err) => message.error(errorText(err, lang)));
    return () => {
      live = false;
    };
    // Only a new root restarts the map.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rootKey]);

  /** Sets the point and opens the parts holding it, as deep as they go. */
  const pickAt = useCallback(
    async (lng: number, lat: number) => {
      let levels = stackRef.current;
      // A point outside the current area: go back up to a level that holds it.
      while (
        levels.length > 1 &&
        levels[levels.length - 1]!.focus &&
        !contains(levels[levels.length - 1]!.focus!.geometry, lng, lat)
      )
        levels = levels.slice(0, -1);
      setBusy(true);
      try {
        for (let guard = 0; guard < 8; guard++) {
          const level = levels[levels.length - 1];
          const part = level?.parts.find((p) => contains(p.geometry, lng, lat));
          if (!part || part.leaf) break;
          const next = await load(part.id);
          if (next.parts.length === 0) break;
          levels = [...levels, next];
        }
      } catch (err) {
        message.error(errorText(err, lang));
      } finally {
        setBusy(false);
      }
      setStack(levels);
      const level = levels[levels.length - 1];
      const part = level?.parts.find((p) => contains(p.geometry, lng, lat));
      const path = [...levels.slice(1).map((l) => l.name), ...(part ? [part.name] : [])];
      onChange?.({ lng, lat, path, gridId: part?.leaf ? part.id : null });
    },
    [load, lang, message, onChange],
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
        void pickAt(pos.coords.longitude, pos.coords.latitude);
      },
      () => {
        setLocating(false);
        message.error(t('map.geolocationFailed'));
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };

  const level = stack[stack.length - 1];
  return (
    <div data-testid="location-picker">
      <Space wrap size={4} style={{ marginBottom: 6, width: '100%', justifyContent: 'space-between' }}>
        <Breadcrumb
          items={stack.map((l, i) => ({
            key: String(l.id),
            title:
              i < stack.length - 1 ? (
                <a onClick={() => setStack(stack.slice(0, i + 1))}>{l.name}</a>
              ) : (
                <span>{l.name}</span>
              ),
          }))}
        />
        <Space size={4}>
          {stack.length > 1 && (
            <Button size="small" icon={<ArrowUpOutlined />} onClick={() => setStack(stack.slice(0, -1))}>
              {t('map.up')}
            </Button>
          )}
          {geolocate && (
            <Button
              size="small"
              icon={<AimOutlined />}
              loading={locating}
              onClick={locate}
              data-testid="geolocate"
            >
              {t('map.myLocation')}
            </Button>
          )}
        </Space>
      </Space>
      <Suspense fallback={<div style={{ height, background: '#eef2f7', borderRadius: 6 }} />}>
        <CaseMap
          focus={level?.focus ?? null}
          parts={level?.parts ?? []}
          point={value ?? null}
          onPick={(lng, lat) => void pickAt(lng, lat)}
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
          </>
        ) : (
          t('map.tapHint')
        )}
      </Typography.Text>
    </div>
  );
}
