import { Button, Space } from 'antd';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/messages.ts';

/** How a module shows its workflow's actions: label and weight of each, in the order shown. */
export interface ActionLook<K extends string> {
  order: readonly K[];
  label: Record<K, MessageKey>;
  /** Actions that move the record on (filled buttons). */
  primary?: readonly K[];
  /** Actions that turn it back or end it (red). */
  danger?: readonly K[];
}

/**
 * The buttons of the actions the server allows on a record (its `allowedActions`), in the module's
 * order; what is not allowed is not shown. A click hands the action to the page (its dialog).
 */
export function WorkflowActions<K extends string>({
  allowed,
  look,
  onAction,
  compact,
  testId,
  buttonTestId = (kind) => `do-${kind}`,
}: {
  allowed: readonly string[];
  look: ActionLook<K>;
  onAction: (kind: K) => void;
  /** Small outlined buttons (a list row's quick actions). */
  compact?: boolean;
  testId?: string;
  buttonTestId?: (kind: K) => string;
}) {
  const { t } = useI18n();
  const kinds = look.order.filter((k) => allowed.includes(k));
  if (kinds.length === 0) return null;
  return (
    <Space wrap size={compact ? 4 : [8, 8]} data-testid={testId}>
      {kinds.map((kind) => {
        const danger = look.danger?.includes(kind) ?? false;
        const primary = !danger && (compact || (look.primary?.includes(kind) ?? false));
        return (
          <Button
            key={kind}
            size={compact ? 'small' : undefined}
            type={primary ? 'primary' : 'default'}
            ghost={compact && primary}
            danger={danger}
            onClick={() => onAction(kind)}
            data-testid={buttonTestId(kind)}
          >
            {t(look.label[kind])}
          </Button>
        );
      })}
    </Space>
  );
}
