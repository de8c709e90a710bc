import type { CaseTodos } from '@wangge/shared';
import { Card, Col, Row, Skeleton, Statistic } from 'antd';
import { Link } from 'react-router-dom';
import { query } from '../../core/api.ts';
import { useApi } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** Colours of the to-dos that need attention first. */
const TONE: Partial<Record<CaseTodos['items'][number]['key'], string>> = {
  dueSoon: '#d46b08',
  overdue: '#cf1322',
};

/** 我的待办: each count one tap from the case list filtered to exactly those cases. */
export function TodoPanel() {
  const { t } = useI18n();
  // Counted afresh on every visit (what was cached is shown meanwhile).
  const { data } = useApi<CaseTodos>('/api/cases/todos', { staleTime: 0 });
  return (
    <Card title={t('todo.title')} size="small" style={{ marginBottom: 16 }} data-testid="todos">
      {!data ? (
        <Skeleton active paragraph={{ rows: 1 }} />
      ) : (
        <Row gutter={[12, 12]}>
          {data.items.map((item) => (
            <Col xs={12} sm={8} md={6} lg={4} key={item.key}>
              <Link
                to={`/cases${query(item.filter)}`}
                data-testid={`todo-${item.key}`}
                className="wg-figure"
                aria-label={`${t(`todo.${item.key}`)} ${item.count}`}
              >
                <Statistic
                  title={t(`todo.${item.key}`)}
                  value={item.count}
                  styles={{
                    content: { color: item.count && TONE[item.key] ? TONE[item.key] : undefined },
                  }}
                />
                <span className="wg-figure-hint">
                  {item.filter.mine === 'true' ? t('todo.mineHint') : t('todo.scopeHint')}
                </span>
              </Link>
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}
