"""Support Warehouse: customer-support metrics from helpdesk and survey extracts."""

__version__ = "0.1.0"
