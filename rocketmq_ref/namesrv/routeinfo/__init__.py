"""Route tables and broker liveness (Java ``org.apache.rocketmq.namesrv.routeinfo``; book B2.3)."""
