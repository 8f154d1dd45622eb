// lifeline-ws/redis: budgets shared by a fleet of processes through Redis. A separate entry so that
// `lifeline-ws` itself never loads the Redis client (ioredis, an optional peer dependency).
export { redisBudget } from './streams/redisBudget';
export type { RedisBudget, RedisBudgetConfig } from './streams/redisBudget';
export type { RedisBudgetClient } from './streams/loadIoredis';
export { BudgetUnavailableError } from './model/BudgetUnavailableError';
export type { BudgetUnavailableReason } from './model/BudgetUnavailableError';
export type { Budget } from './model/Budget';
