DROP FUNCTION coupon_price(numeric, integer);
DROP SEQUENCE invoice_numbers;
DROP TABLE coupons;
