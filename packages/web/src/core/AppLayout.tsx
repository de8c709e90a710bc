import {
  BellOutlined,
  GlobalOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  UserOutlined,
} from '@ant-design/icons';
import {
  Badge,
  Button,
  Drawer,
  Dropdown,
  Grid,
  Layout,
  Menu,
  Space,
  Tooltip,
  Typography,
  type MenuProps,
} from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from './AuthContext.tsx';
import { useI18n } from '../i18n/index.tsx';
import { groupKeys, selectedMenuKey, visibleMenu, type MenuEntry, type MenuGroup } from './menu.tsx';
import { useUnreadCount } from './unread.ts';

const { Header, Sider, Content } = Layout;

export function AppLayout({ menu: all, children }: { menu: (MenuEntry | MenuGroup)[]; children: ReactNode }) {
  const { me, can, logout } = useAuth();
  const { t, lang, setLang } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const unread = useUnreadCount(me?.idleTimeoutMinutes);

  const items: MenuProps['items'] = useMemo(
    () =>
      visibleMenu(all, can).map((item) =>
        'children' in item
          ? {
              key: item.key,
              icon: item.icon,
              label: t(item.label),
              children: item.children.map((c) => ({ key: c.path, icon: c.icon, label: t(c.label) })),
            }
          : { key: item.path, icon: item.icon, label: t(item.label) },
      ),
    [all, can, t],
  );

  const onMenu: MenuProps['onClick'] = ({ key }) => {
    setDrawerOpen(false);
    if (key.startsWith('/api/')) window.open(key, '_blank', 'noopener');
    else navigate(key);
  };

  const menu = (
    <Menu
      mode="inline"
      theme={mobile ? 'light' : 'dark'}
      items={items}
      selectedKeys={[selectedMenuKey(all, location.pathname)]}
      defaultOpenKeys={groupKeys(all)}
      onClick={onMenu}
      data-testid="main-menu"
    />
  );

  const userMenu: MenuProps['items'] = [
    {
      key: 'inbox',
      icon: <BellOutlined />,
      label: t('menu.inbox'),
      onClick: () => navigate('/inbox'),
    },
    {
      key: 'password',
      icon: <KeyOutlined />,
      label: t('header.changePassword'),
      onClick: () => navigate('/password'),
    },
    { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout'), onClick: () => void logout() },
  ];

  return (
    <Layout style={{ minHeight: '100%' }}>
      {!mobile && (
        <Sider width={220} breakpoint="lg" collapsedWidth={64}>
          <div className="wg-brand" style={{ height: 56, padding: '0 20px' }}>
            <img src="/favicon.svg" width={24} height={24} alt="" />
            <span>{t('appName')}</span>
          </div>
          {menu}
        </Sider>
      )}
      <Layout>
        <Header
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            padding: mobile ? '0 8px' : '0 16px',
            background: mobile ? '#1458a8' : '#fff',
            height: 56,
            lineHeight: '56px',
          }}
        >
          {mobile ? (
            <Space>
              <Button
                type="text"
                aria-label="menu"
                icon={<MenuOutlined style={{ color: '#fff' }} />}
                onClick={() => setDrawerOpen(true)}
                data-testid="menu-toggle"
              />
              <span className="wg-brand">{t('appShort')}</span>
            </Space>
          ) : (
            <span />
          )}
          <Space size={mobile ? 4 : 12}>
            <Button
              type="text"
              icon={<GlobalOutlined />}
              onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
              style={mobile ? { color: '#fff' } : undefined}
              data-testid="lang-switch"
            >
              {t('header.language')}
            </Button>
            <Tooltip title={unread ? t('inbox.unreadCount', { n: unread }) : t('menu.inbox')}>
              <Badge count={unread ?? 0} size="small" overflowCount={99} offset={[-6, 6]}>
                <Button
                  type="text"
                  icon={<BellOutlined />}
                  aria-label={t('menu.inbox')}
                  onClick={() => navigate('/inbox')}
                  style={mobile ? { color: '#fff' } : undefined}
                  data-testid="inbox-bell"
                />
              </Badge>
            </Tooltip>
            <Dropdown menu={{ items: userMenu }} trigger={['click']}>
              <Button
                type="text"
                icon={<UserOutlined />}
                style={mobile ? { color: '#fff' } : undefined}
                data-testid="user-menu"
              >
                {mobile ? null : <Typography.Text>{me?.displayName}</Typography.Text>}
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content className="wg-content">{children}</Content>
      </Layout>
      <Drawer
        placement="left"
        open={drawerOpen}
        onClose={() => setDrawerOpen(false)}
        width={260}
        title={t('appName')}
        styles={{ body: { padding: 0 } }}
      >
        {menu}
      </Drawer>
    </Layout>
  );
}
