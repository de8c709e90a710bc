import { MailOutlined, MessageOutlined, SnippetsOutlined } from '@ant-design/icons';
import { lazyPage } from '../../core/lazyPage.ts';
import { defineWebModule } from '../../core/modules.ts';

const InboxPage = lazyPage(() => import('./InboxPage.tsx'), 'InboxPage');
const NotifyTemplatesPage = lazyPage(() => import('./NotifyTemplatesPage.tsx'), 'NotifyTemplatesPage');
const OutboxPage = lazyPage(() => import('./OutboxPage.tsx'), 'OutboxPage');

export const notifyModule = defineWebModule({
  name: 'notify',
  pages: [
    // Reached from the bell in the header.
    { path: '/inbox', element: <InboxPage /> },
    {
      path: '/notify/mails',
      element: <OutboxPage key="email" channel="email" />,
      permissions: ['notify.read'],
      menu: { label: 'menu.mails', icon: <MailOutlined />, group: 'notify' },
    },
    {
      path: '/notify/sms',
      element: <OutboxPage key="sms" channel="sms" />,
      permissions: ['notify.read'],
      menu: { label: 'menu.sms', icon: <MessageOutlined />, group: 'notify' },
    },
    {
      path: '/notify/templates',
      element: <NotifyTemplatesPage />,
      permissions: ['case.config'],
      menu: { label: 'menu.templates', icon: <SnippetsOutlined />, group: 'notify' },
    },
  ],
});
