import { Card, Tabs } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { CalendarPanel } from './CalendarPanel.tsx';
import { CategoriesPanel } from './CategoriesPanel.tsx';
import { DispatchRulesPanel } from './DispatchRulesPanel.tsx';
import { SwitchesPanel } from './SwitchesPanel.tsx';
import { TimeLimitsPanel } from './TimeLimitsPanel.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import type { MessageKey } from '../../../i18n/messages.ts';

const TABS: { key: string; label: MessageKey; render: () => React.ReactNode }[] = [
  { key: 'switches', label: 'caseSettings.switches', render: () => <SwitchesPanel /> },
  { key: 'limits', label: 'caseSettings.limits', render: () => <TimeLimitsPanel /> },
  { key: 'rules', label: 'caseSettings.rules', render: () => <DispatchRulesPanel /> },
  { key: 'categories', label: 'caseSettings.categories', render: () => <CategoriesPanel /> },
  { key: 'calendar', label: 'caseSettings.calendar', render: () => <CalendarPanel /> },
];

/** 事件设置: switches, time limits, dispatch rules, the category tree and the work calendar. */
export function CaseSettingsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const active = TABS.some((tab) => tab.key === params.get('tab')) ? params.get('tab')! : TABS[0]!.key;
  return (
    <Card size="small" data-testid="case-settings">
      <Tabs
        activeKey={active}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        // Each tab loads afresh when opened: a calendar change shows in the time limits at once.
        destroyOnHidden
        items={TABS.map((tab) => ({
          key: tab.key,
          label: <span data-testid={`settings-tab-${tab.key}`}>{t(tab.label)}</span>,
          children: tab.render(),
        }))}
      />
    </Card>
  );
}
