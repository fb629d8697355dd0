// The console's and the app's words, 简体中文 first, English switchable. t(key) looks a key up in the current
// language and falls back to English, then to the key itself, so a missing translation shows, not breaks.
const zh = {
  'app.title': '一呼百应 · 调度台',
  'app.volunteerTitle': '一呼百应 · 志愿者',
  'signin.title': '调度员登录',
  'signin.volunteerTitle': '志愿者登录',
  'signin.token': '令牌（JWT）',
  'signin.submit': '登录',
  'signin.hint': '令牌由 yihu-token 生成；./scripts/run.sh 会打印一个可直接使用的链接。',
  'signout': '退出',
  'feed.connecting': '连接中…',
  'feed.open': '实时连接正常',
  'feed.waiting': '连接中断，正在重连…',
  'feed.closed': '未连接',
  'alerts.title': '进行中的警报',
  'alerts.none': '暂无进行中的警报',
  'alerts.new': '新建警报',
  'alerts.clickMap': '在地图上点击警报中心（Esc 取消）',
  'alerts.drawPolygon': '在地图上依次点击多边形顶点，完成后点「完成多边形」',
  'alert.kind': '类型',
  'alert.title': '标题',
  'alert.description': '描述',
  'alert.photoUrl': '照片链接',
  'alert.wanted': '需要人数',
  'alert.overAlert': '通知倍数（需要人数 × 倍数）',
  'alert.radius': '范围半径（米，空=按类型默认）',
  'alert.area': '范围',
  'alert.areaDefault': '按类型默认（圆形逐级扩大）',
  'alert.areaCircle': '圆形',
  'alert.areaPolygon': '多边形',
  'alert.finishPolygon': '完成多边形',
  'alert.create': '发布警报',
  'alert.cancelForm': '取消',
  'alert.update': '更新',
  'alert.save': '保存修改',
  'alert.resolveFound': '已找到 / 已获救',
  'alert.resolve': '结束',
  'alert.cancel': '撤销警报',
  'alert.closeMessage': '结束说明（发送给所有收到警报的人）',
  'alert.cancelReason': '撤销原因',
  'alert.counts': '通知 {notified} · 确认 {acked} · 接受 {accepted} · 拒绝 {declined} · 线索 {sightings}',
  'alert.radiusNow': '当前半径 {r}',
  'alert.peer': '邻市 {peer}',
  'alert.version': '版本 {v}',
  'alert.created': '创建于 {t}',
  'tab.recipients': '接收人',
  'tab.responses': '响应',
  'tab.sightings': '线索',
  'tab.audit': '审计记录',
  'tab.devices': '设备',
  'col.volunteer': '志愿者',
  'col.distance': '距离',
  'col.state': '状态',
  'col.role': '分工',
  'col.time': '时间',
  'col.response': '响应',
  'col.event': '事件',
  'col.detail': '详情',
  'col.text': '内容',
  'col.name': '名称',
  'col.lastTrigger': '最近触发',
  'col.position': '位置',
  'sighting.confirm': '确认为新的搜寻中心',
  'sighting.confirmed': '已将搜寻中心移到线索 {id}',
  'sightings.none': '暂无线索（线索来自实时连接）',
  'devices.none': '没有登记的设备',
  'never': '从未',
  'state.notified': '已通知',
  'state.delivered': '已送达',
  'state.acknowledged': '已确认收到',
  'state.accepted': '已接受',
  'state.declined': '已拒绝',
  'state.stoodDown': '已解除',
  'legend.position': '位置未公开的接收人按真实距离、示意方位显示',
  'done.created': '已发布警报 {id}',
  'done.updated': '已更新 {id}',
  'done.closed': '{id} 已结束',
  'error.network': '无法连接到节点：{m}',
  'lang.switch': 'English',
  'me': '我',
  'app.onDuty': '在岗',
  'app.offDuty': '下班',
  'app.quiet': '免打扰',
  'app.position': '位置',
  'app.positionUnknown': '尚未定位：允许浏览器定位，或在地图上点击手动定位',
  'app.positionManual': '手动定位：{lat}, {lon}',
  'app.positionGps': 'GPS 定位：{lat}, {lon}（±{acc} 米）',
  'app.noAlerts': '附近暂无警报。保持页面打开即可接收。',
  'app.accept': '接受，我去',
  'app.decline': '无法前往',
  'app.sighting': '报告线索',
  'app.sightingText': '看到了什么？',
  'app.sightingSent': '线索已发送（编号 {id}）',
  'app.accepted': '你已接受，分工：{role}',
  'app.declined': '你已拒绝',
  'app.standDown': '已解除：{reason}',
  'app.closed': '警报结束：{message}',
  'app.distance': '距你 {d}',
  'app.notify': '附近有新警报',
  'app.connection.open': '已连接',
  'app.connection.connecting': '连接中…',
  'app.connection.waiting': '连接中断，正在重连…',
  'app.connection.closed': '未连接',
};

const en = {
  'app.title': 'yihu · dispatcher console',
  'app.volunteerTitle': 'yihu · volunteer',
  'signin.title': 'Dispatcher sign-in',
  'signin.volunteerTitle': 'Volunteer sign-in',
  'signin.token': 'Token (JWT)',
  'signin.submit': 'Sign in',
  'signin.hint': 'Tokens come from yihu-token; ./scripts/run.sh prints a ready link.',
  'signout': 'Sign out',
  'feed.connecting': 'Connecting…',
  'feed.open': 'Live',
  'feed.waiting': 'Connection lost, reconnecting…',
  'feed.closed': 'Not connected',
  'alerts.title': 'Active alerts',
  'alerts.none': 'No active alerts',
  'alerts.new': 'New alert',
  'alerts.clickMap': 'Click the alert centre on the map (Esc to cancel)',
  'alerts.drawPolygon': 'Click the polygon corners on the map, then "Finish polygon"',
  'alert.kind': 'Kind',
  'alert.title': 'Title',
  'alert.description': 'Description',
  'alert.photoUrl': 'Photo link',
  'alert.wanted': 'Responders wanted',
  'alert.overAlert': 'Call factor (wanted × factor are called)',
  'alert.radius': 'Radius (m; empty: the kind default)',
  'alert.area': 'Area',
  'alert.areaDefault': 'The kind default (growing rings)',
  'alert.areaCircle': 'Circle',
  'alert.areaPolygon': 'Polygon',
  'alert.finishPolygon': 'Finish polygon',
  'alert.create': 'Raise alert',
  'alert.cancelForm': 'Cancel',
  'alert.update': 'Update',
  'alert.save': 'Save changes',
  'alert.resolveFound': 'Found / rescued',
  'alert.resolve': 'Resolve',
  'alert.cancel': 'Cancel alert',
  'alert.closeMessage': 'Closing note (sent to everyone alerted)',
  'alert.cancelReason': 'Reason',
  'alert.counts': 'notified {notified} · acked {acked} · accepted {accepted} · declined {declined} · sightings {sightings}',
  'alert.radiusNow': 'radius now {r}',
  'alert.peer': 'neighbour {peer}',
  'alert.version': 'version {v}',
  'alert.created': 'created {t}',
  'tab.recipients': 'Recipients',
  'tab.responses': 'Responses',
  'tab.sightings': 'Sightings',
  'tab.audit': 'Audit trail',
  'tab.devices': 'Devices',
  'col.volunteer': 'Volunteer',
  'col.distance': 'Distance',
  'col.state': 'State',
  'col.role': 'Role',
  'col.time': 'Time',
  'col.response': 'Response',
  'col.event': 'Event',
  'col.detail': 'Detail',
  'col.text': 'Text',
  'col.name': 'Name',
  'col.lastTrigger': 'Last trigger',
  'col.position': 'Position',
  'sighting.confirm': 'Confirm as the new search centre',
  'sighting.confirmed': 'Search centre moved to sighting {id}',
  'sightings.none': 'No sightings yet (they arrive over the live feed)',
  'devices.none': 'No devices registered',
  'never': 'never',
  'state.notified': 'notified',
  'state.delivered': 'delivered',
  'state.acknowledged': 'acknowledged',
  'state.accepted': 'accepted',
  'state.declined': 'declined',
  'state.stoodDown': 'stood down',
  'legend.position': 'Recipients whose position is not shared are drawn at their true distance, bearing illustrative',
  'done.created': 'Raised {id}',
  'done.updated': 'Updated {id}',
  'done.closed': '{id} closed',
  'error.network': 'Cannot reach the node: {m}',
  'lang.switch': '中文',
  'me': 'me',
  'app.onDuty': 'On duty',
  'app.offDuty': 'Off duty',
  'app.quiet': 'Quiet hours',
  'app.position': 'Position',
  'app.positionUnknown': 'No position yet: allow location, or tap the map to set one',
  'app.positionManual': 'Manual pin: {lat}, {lon}',
  'app.positionGps': 'GPS: {lat}, {lon} (±{acc} m)',
  'app.noAlerts': 'No alerts nearby. Keep this page open to receive them.',
  'app.accept': 'Accept, I am going',
  'app.decline': 'Cannot go',
  'app.sighting': 'Report a sighting',
  'app.sightingText': 'What did you see?',
  'app.sightingSent': 'Sighting sent (number {id})',
  'app.accepted': 'You accepted; role: {role}',
  'app.declined': 'You declined',
  'app.standDown': 'Stand down: {reason}',
  'app.closed': 'Alert closed: {message}',
  'app.distance': '{d} from you',
  'app.notify': 'New alert nearby',
  'app.connection.open': 'Connected',
  'app.connection.connecting': 'Connecting…',
  'app.connection.waiting': 'Connection lost, reconnecting…',
  'app.connection.closed': 'Not connected',
};

const enums = {
  zh: {
    ALERT_KIND_MISSING_PERSON: '走失人员', ALERT_KIND_MISSING_CHILD: '走失儿童', ALERT_KIND_DROWNING: '溺水',
    ALERT_KIND_SUSPECT: '嫌疑人', ALERT_KIND_DISASTER: '灾害', ALERT_KIND_GENERAL: '一般求助',
    ALERT_STATE_ACTIVE: '进行中', ALERT_STATE_RESOLVED_FOUND: '已找到', ALERT_STATE_RESOLVED: '已结束',
    ALERT_STATE_CANCELLED: '已撤销', ALERT_STATE_EXPIRED: '已过期',
    RESPONSE_KIND_ACCEPT: '接受', RESPONSE_KIND_DECLINE: '拒绝', RESPONSE_KIND_ON_SCENE: '已到场',
    RESPONSE_KIND_DONE: '完成', RESPONSE_KIND_WITHDRAW: '退出',
    AUDIT_EVENT_KIND_CREATED: '创建', AUDIT_EVENT_KIND_MATCHED: '匹配', AUDIT_EVENT_KIND_DELIVERED: '送达',
    AUDIT_EVENT_KIND_ACKED: '确认收到', AUDIT_EVENT_KIND_RESPONDED: '响应', AUDIT_EVENT_KIND_ESCALATED: '扩大范围',
    AUDIT_EVENT_KIND_STATE_CHANGED: '状态变化', AUDIT_EVENT_KIND_SIGHTING: '线索', AUDIT_EVENT_KIND_UPDATED: '更新',
    AUDIT_EVENT_KIND_STOOD_DOWN: '解除', AUDIT_EVENT_KIND_CLOSED_NOTICE: '结束通知',
    AUDIT_EVENT_KIND_ROLE_ASSIGNED: '分配任务', AUDIT_EVENT_KIND_FORWARDED: '转发',
    AUDIT_EVENT_KIND_PEER_ACKED: '邻市确认', AUDIT_EVENT_KIND_SKIPPED: '跳过',
  },
  en: {
    ALERT_KIND_MISSING_PERSON: 'missing person', ALERT_KIND_MISSING_CHILD: 'missing child',
    ALERT_KIND_DROWNING: 'drowning', ALERT_KIND_SUSPECT: 'suspect', ALERT_KIND_DISASTER: 'disaster',
    ALERT_KIND_GENERAL: 'general', ALERT_STATE_ACTIVE: 'active', ALERT_STATE_RESOLVED_FOUND: 'found',
    ALERT_STATE_RESOLVED: 'resolved', ALERT_STATE_CANCELLED: 'cancelled', ALERT_STATE_EXPIRED: 'expired',
  },
};

// What each API error means to the person at the screen; the server's own message follows it.
const errors = {
  zh: {
    ERROR_CODE_MALFORMED_MESSAGE: '请求格式错误', ERROR_CODE_INVALID_ARGUMENT: '输入无效',
    ERROR_CODE_INVALID_COORDINATES: '坐标无效', ERROR_CODE_UNAUTHENTICATED: '令牌无效，请重新登录',
    ERROR_CODE_TOKEN_EXPIRED: '令牌已过期，请重新登录', ERROR_CODE_FORBIDDEN_ROLE: '此令牌没有这个权限',
    ERROR_CODE_NOT_FOUND: '找不到', ERROR_CODE_ALERT_CLOSED: '警报已结束', ERROR_CODE_CONFLICT: '警报已被他人修改，请刷新',
    ERROR_CODE_FRAME_TOO_LARGE: '内容太大', ERROR_CODE_UNAVAILABLE: '节点暂时无法保存，未生效，请稍后重试',
    ERROR_CODE_RATE_LIMITED: '操作太频繁', ERROR_CODE_INTERNAL: '节点内部错误',
    ERROR_CODE_SESSION_REPLACED: '此账号已在别处登录', ERROR_CODE_UNSUPPORTED_VERSION: '应用版本过旧',
  },
  en: {
    ERROR_CODE_MALFORMED_MESSAGE: 'Malformed request', ERROR_CODE_INVALID_ARGUMENT: 'Invalid input',
    ERROR_CODE_INVALID_COORDINATES: 'Invalid coordinates', ERROR_CODE_UNAUTHENTICATED: 'Bad token: sign in again',
    ERROR_CODE_TOKEN_EXPIRED: 'Token expired: sign in again', ERROR_CODE_FORBIDDEN_ROLE: 'This token may not do that',
    ERROR_CODE_NOT_FOUND: 'Not found', ERROR_CODE_ALERT_CLOSED: 'The alert is closed',
    ERROR_CODE_CONFLICT: 'Someone changed the alert first: reload it', ERROR_CODE_FRAME_TOO_LARGE: 'Too large',
    ERROR_CODE_UNAVAILABLE: 'The node could not store it; nothing changed, try again', ERROR_CODE_RATE_LIMITED: 'Too many requests',
    ERROR_CODE_INTERNAL: 'Internal error', ERROR_CODE_SESSION_REPLACED: 'Signed in elsewhere',
    ERROR_CODE_UNSUPPORTED_VERSION: 'This app is too old',
  },
};

const dictionaries = { zh, en };
let language = localStorage.getItem('yihu.lang') === 'en' ? 'en' : 'zh';

export function lang() {
  return language;
}

export function setLang(next) {
  language = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('yihu.lang', language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  translatePage();
}

export function t(key, values = {}) {
  const text = dictionaries[language][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

// An enum value's label ("ALERT_KIND_DROWNING" -> 溺水 / drowning); unknown values are shown shortened.
export function label(value) {
  if (!value) return '';
  return enums[language][value] ?? enums.en[value] ?? value.replace(/^[A-Z]+_(KIND_|STATE_|EVENT_KIND_)?/, '').toLowerCase();
}

// A clear sentence for an error from the library (ApiError, ProtocolError) or the network.
export function errorText(error) {
  if (error?.code && errors[language][error.code]) {
    const detail = error.serverMessage ? `: ${error.serverMessage}` : '';
    return `${errors[language][error.code]}${detail} (${error.code.replace('ERROR_CODE_', '')})`;
  }
  if (error instanceof TypeError) return t('error.network', { m: error.message });
  return String(error?.message ?? error);
}

export function distanceText(metres) {
  const m = Number(metres ?? 0);
  if (m >= 1000) return language === 'zh' ? `${(m / 1000).toFixed(1)} 公里` : `${(m / 1000).toFixed(1)} km`;
  return language === 'zh' ? `${Math.round(m)} 米` : `${Math.round(m)} m`;
}

export function timeText(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString(language === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

// Elements with data-i18n="key" get their text; data-i18n-placeholder their placeholder.
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.title = t(document.body.dataset.titleKey ?? 'app.title');
}
