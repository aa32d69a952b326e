"""The RocketMQ client (Java module ``client``): producers, consumers, MQClientInstance, admin.

Book sections A3, A7.3, A7.4, A11, B3, B5.1-B5.6, B9.1-B9.2.
"""
