def test_it_has_a_settings_module(settings):
    assert settings.ROOT_URLCONF == "config.urls"
