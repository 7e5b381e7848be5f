{{ base_commerce__orders_sql(source('commerce', 'orders')) }}
