{{ base_commerce__reviews_sql(source('commerce', 'reviews')) }}
