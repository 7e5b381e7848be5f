{{ base_commerce__products_sql(source('commerce', 'products')) }}
