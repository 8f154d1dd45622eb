import { ReportLocale } from './ReportLocale';
import { GateReason, GateState } from '../model/gateState';

const REASONS: Readonly<Record<ReportLocale, Readonly<Record<GateReason, string>>>> = {
  en: {
    healthy: 'the link is Connected with good quality',
    settling: 'the link is back; waiting out the settle time',
    quality: 'the link quality is under the threshold',
    notReady: 'the link is up but not ready to trade on yet',
    Connecting: 'the link is not connected yet',
    Disconnected: 'the link is Disconnected',
    Reconnecting: 'the link is Reconnecting',
    Unstable: 'the link is Unstable',
    Failed: 'the link has Failed',
    deadman: "the dead-man's switch is not armed",
    hook: 'the onOpen hook threw; trying again after the settle time',
    closed: 'the link was closed',
    unknown: 'the gate has not reported yet',
  },
  'zh-CN': {
    healthy: '连接正常且质量良好',
    settling: '连接已恢复, 等待稳定期结束',
    quality: '连接质量低于阈值',
    notReady: '连接已建立, 但尚未就绪',
    Connecting: '尚未连接',
    Disconnected: '连接已断开',
    Reconnecting: '正在重连',
    Unstable: '连接不稳定',
    Failed: '连接失败',
    deadman: '断线自动撤单开关未生效',
    hook: 'onOpen 回调出错, 稳定期后重试',
    closed: '连接已关闭',
    unknown: '交易闸门尚未就绪',
  },
};

/**
 * The gate state in words, for logs and the CLI.
 *
 * @example
 * describeGate({ open: false, reason: 'Failed', since }, 'en');  // 'CLOSED: the link has Failed'
 * describeGate({ open: true, reason: 'healthy', since });        // '开启: 连接正常且质量良好'
 */
export function describeGate(state: Pick<GateState, 'open' | 'reason'>, locale: ReportLocale = 'zh-CN'): string {
  const word = locale === 'en' ? (state.open ? 'OPEN' : 'CLOSED') : state.open ? '开启' : '关闭';
  return `${word}: ${REASONS[locale][state.reason]}`;
}

/** Why the gate is as it is, in words, without the open/closed word. */
export function gateReasonText(reason: GateReason, locale: ReportLocale = 'zh-CN'): string {
  return REASONS[locale][reason];
}
